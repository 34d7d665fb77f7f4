using IntelShare.Resolution.Engine.Blocking;
using IntelShare.Resolution.Engine.Clustering;
using IntelShare.Resolution.Engine.Comparison;
using IntelShare.Resolution.Engine.Evaluation;
using IntelShare.Resolution.Engine.Model;
using IntelShare.Resolution.Engine.Scoring;

namespace IntelShare.Resolution.Engine.Tests;

public sealed class ModelTests
{
    [Fact]
    public void Em_recovers_known_m_probabilities_and_match_share()
    {
        FieldComparison[] comparisons = [new ExactComparison("a", _ => ""), new ExactComparison("b", _ => ""), new ExactComparison("c", _ => ""), new DateOfBirthComparison()];
        double[][] m = [[1, 0.9, 0.1], [1, 0.8, 0.2], [1, 0.95, 0.05], [1, 0.7, 0.05, 0.05, 0.05, 0.1, 0.05]];
        double[][] u = [[1, 0.05, 0.95], [1, 0.1, 0.9], [1, 0.02, 0.98], [1, 0.01, 0.001, 0.005, 0.004, 0.1, 0.88]];
        const double share = 0.3;
        var random = new Random(7);
        var patterns = Enumerable.Range(0, 50_000).Select(_ =>
        {
            var match = random.NextDouble() < share;
            ulong pattern = 0;
            for (var c = 0; c < comparisons.Length; c++)
            {
                pattern |= (ulong)Draw(match ? m[c] : u[c], random) << (4 * c);
            }

            return pattern;
        });

        var (estimated, report) = Estimation.EstimateM(comparisons, Estimation.Patterns(patterns), u, 0.1, new EstimationOptions());

        Assert.True(report.Converged);
        Assert.InRange(report.MatchProportion, share - 0.02, share + 0.02);
        for (var c = 0; c < comparisons.Length; c++)
        {
            for (var l = 1; l < m[c].Length; l++)
            {
                Assert.InRange(estimated[c][l], m[c][l] - 0.03, m[c][l] + 0.03);
            }
        }
    }

    [Fact]
    public void Em_sessions_find_the_person_among_namesakes_and_birthday_sharers()
    {
        // Candidates at scale: a few true pairs, many namesakes (same name, all else differs) and many people who
        // merely share a birthday. One EM over them all may take "same name" for the match class.
        FieldComparison[] comparisons = [new ExactComparison("name", _ => ""), new ExactComparison("dob", _ => ""), new ExactComparison("address", _ => ""), new ExactComparison("phone", _ => "")];
        double[][] m = [[1, 0.85, 0.15], [1, 0.9, 0.1], [1, 0.8, 0.2], [1, 0.9, 0.1]];
        double[][] u = [[1, 0.001, 0.999], [1, 0.0001, 0.9999], [1, 0.0001, 0.9999], [1, 0.00001, 0.99999]];
        double[][] namesake = [[1, 0.999, 0.001], [1, 0.0001, 0.9999], [1, 0.001, 0.999], [1, 0.00001, 0.99999]];
        double[][] birthday = [[1, 0.002, 0.998], [1, 0.999, 0.001], [1, 0.001, 0.999], [1, 0.00001, 0.99999]];
        var random = new Random(3);
        var patterns = Enumerable.Range(0, 100_000).Select(_ =>
        {
            var draw = random.NextDouble();
            var source = draw < 0.1 ? m : draw < 0.6 ? namesake : birthday;
            ulong pattern = 0;
            for (var c = 0; c < comparisons.Length; c++)
            {
                pattern |= (ulong)Draw(source[c], random) << (4 * c);
            }

            return pattern;
        });

        var (estimated, report) = Estimation.EstimateMBySessions(comparisons, Estimation.Patterns(patterns), u, 0.1, new EstimationOptions());

        Assert.InRange(report.MatchProportion, 0.08, 0.12);
        for (var c = 0; c < comparisons.Length; c++)
        {
            Assert.InRange(estimated[c][1], m[c][1] - 0.05, m[c][1] + 0.05);
        }
    }

    private static int Draw(double[] probabilities, Random random)
    {
        var x = random.NextDouble();
        for (var l = 1; l < probabilities.Length; l++)
        {
            x -= probabilities[l];
            if (x < 0)
            {
                return l;
            }
        }

        return probabilities.Length - 1;
    }

    [Fact]
    public void A_handful_of_look_alike_records_does_not_teach_the_model_that_matches_disagree_on_names()
    {
        // Four members of one family sharing a phone and a date of birth on record: with so few records EM alone
        // would take them for the matches and learn that matches differ in given name.
        string[] family = ["Victor", "Andrei", "Nicolae", "Petru"];
        var held = family.Select((given, i) => new PersonRecord($"f{i}") { GivenName = given, FamilyName = "Rusu", DateOfBirth = "1985-04-12", Phones = ["+447700912345"] })
            .Append(new PersonRecord("other") { GivenName = "Maria", FamilyName = "Lungu", DateOfBirth = "1990-01-01" })
            .Append(new PersonRecord("target") { GivenName = "Tamara", FamilyName = "Zaharia", DateOfBirth = "1971-06-17", Documents = [new IdentityDocument("passport", "MD3476797", "MD")] })
            .ToList<ResolutionRecord>();
        var engine = ResolutionEngine.Create(held);

        var query = new PersonRecord("query") { GivenName = "Тамара", FamilyName = "Захария", DateOfBirth = "1971-06-17", Documents = [new IdentityDocument("passport", "MD 3476797", "MD")] };
        var best = engine.Match(query).First();

        Assert.Equal("target", best.Record.RecordId);
        Assert.Equal(MatchDecision.Link, best.Decision);
        Assert.True(best.Explanation.Fields.First(f => f.Field == "given name").Weight > 0, "agreeing given names must count for a match");
    }

    [Fact]
    public void Strong_evidence_links_even_when_the_records_held_so_far_have_no_duplicates()
    {
        // A new platform's first records: all different people, so EM sees no matches among them.
        var random = new Random(11);
        string[] given = ["Ion", "Maria", "Andrei", "Elena", "Vasile", "Natalia", "Sergiu", "Ana", "Mihai", "Irina"];
        string[] family = ["Popa", "Rusu", "Ciobanu", "Munteanu", "Lungu", "Ceban", "Moraru", "Rotari", "Cojocaru", "Sirbu"];
        var held = Enumerable.Range(0, 10).Select(i => new PersonRecord($"p{i}")
        {
            GivenName = given[i],
            FamilyName = family[(i + 3) % 10],
            DateOfBirth = $"{1960 + random.Next(40)}-{1 + random.Next(12):D2}-{1 + random.Next(28):D2}",
            Phones = [$"+3736{random.Next(1_000_000, 9_999_999)}"],
        }).ToList();
        held.Add(new PersonRecord("target") { GivenName = "Olga", FamilyName = "Bejenari", DateOfBirth = "1990-04-08", Phones = ["+37379555123"] });
        var engine = ResolutionEngine.Create(held);

        var sameWrittenElsewhere = new PersonRecord("query") { GivenName = "Ольга", FamilyName = "Беженарь", DateOfBirth = "1990-08-04", Phones = ["+373 79 555 123"] };
        var best = engine.Match(sameWrittenElsewhere).First();

        Assert.Equal("target", best.Record.RecordId);
        Assert.Equal(MatchDecision.Link, best.Decision);
        var stranger = new PersonRecord("other") { GivenName = "Dorin", FamilyName = "Plesca", DateOfBirth = "1971-01-30" };
        Assert.DoesNotContain(engine.Match(stranger), c => c.Decision != MatchDecision.Apart);
    }
    [Fact]
    public void The_union_of_rules_catches_a_pair_one_rule_misses()
    {
        // A typo changes the family name's phonetic key; the date of birth and initial still bring the pair together.
        var records = new[]
        {
            Preparation.Prepare(new PersonRecord("a") { GivenName = "Olena", FamilyName = "Kovalenko", DateOfBirth = "1990-07-03" }),
            Preparation.Prepare(new PersonRecord("b") { GivenName = "Olena", FamilyName = "Zovalenko", DateOfBirth = "1990-07-03" }),
        };
        var familyRule = BlockingRules.Person.Where(r => r.Name.StartsWith("family name phonetic + birth year", StringComparison.Ordinal)).ToArray();
        var (alone, _) = BlockingIndex.Build(familyRule, records, [0, 1], 100).CandidatePairs(records, false);
        var (union, report) = BlockingIndex.Build(BlockingRules.Person, records, [0, 1], 100).CandidatePairs(records, false);

        Assert.Empty(alone);
        Assert.Single(union);
        Assert.Equal(1, report.CandidatePairs);
        Assert.True(report.Rules.Single(r => r.Rule == "date of birth + given initial").Pairs > 0);
    }

    [Fact]
    public void A_native_script_name_is_blocked_on_like_an_alias()
    {
        // Two clerks romanised Коваленко differently (v, w) and neither recorded a date of birth: the comparison
        // credits the shared native-script name, so blocking must bring the pair together on it.
        var records = new[]
        {
            Preparation.Prepare(new PersonRecord("a") { GivenName = "Olena", FamilyName = "Kovalenko" }),
            Preparation.Prepare(new PersonRecord("b") { GivenName = "Olena", FamilyName = "Kowalenko", OriginalScriptName = "Олена Коваленко" }),
        };
        var (pairs, report) = BlockingIndex.Build(BlockingRules.Person, records, [0, 1], 100).CandidatePairs(records, false);

        Assert.Single(pairs);
        Assert.True(report.Rules.Single(r => r.Rule == "given and family phonetic, either order").Pairs > 0);
    }

    [Fact]
    public void Day_and_month_transposed_share_a_date_of_birth_block()
    {
        var records = new[]
        {
            Preparation.Prepare(new PersonRecord("a") { GivenName = "Olena", FamilyName = "Kovalenko", DateOfBirth = "1984-05-11" }),
            Preparation.Prepare(new PersonRecord("b") { GivenName = "Olena", FamilyName = "Kowalenko", DateOfBirth = "1984-11-05" }),
            Preparation.Prepare(new PersonRecord("c") { GivenName = "Olena", FamilyName = "Kowalenko", DateOfBirth = "1984-11-06" }),
        };
        var dateRule = BlockingRules.Person.Where(r => r.Name == "date of birth + given initial").ToArray();
        var (pairs, _) = BlockingIndex.Build(dateRule, records, [0, 1, 2], 100).CandidatePairs(records, false);

        Assert.Equal([(0UL << 32) | 1], pairs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_record_romanised_otherwise_with_day_and_month_transposed_joins_its_person(bool borderFirst)
    {
        // Scored alone the pair is a certain link; it must also be compared, whichever of the two arrives first.
        var police = new PersonRecord("police")
        {
            GivenName = "Olena", FamilyName = "Kovalenko", OriginalScriptName = "Олена Коваленко", DateOfBirth = "1984-05-11", Sex = "f", Nationalities = ["MD", "UA"],
        };
        var border = new PersonRecord("border")
        {
            GivenName = "Olena", FamilyName = "Kowalenko", OriginalScriptName = "Олена Коваленко", DateOfBirth = "1984-11-05", Sex = "f", Nationalities = ["MD"],
            Documents = [new IdentityDocument("passport", "AB0412853", "MD")],
        };
        var (held, arriving) = borderFirst ? (border, police) : (police, border);
        var population = new SyntheticPeople(5).Generate(2_000).Records;
        var engine = ResolutionEngine.Create([.. population, held]);

        var result = engine.Resolve(arriving);
        Assert.Equal(MatchDecision.Link, Assert.Single(result.Candidates, c => c.Record.RecordId == held.RecordId).Decision);
        Assert.Equal(engine.ClusterOf(population.Count), result.Cluster);

        // And so does a full re-run, which trains a new engine on every record.
        var rerun = ResolutionEngine.Create([.. population, held, arriving]).ResolveAll();
        Assert.Equal(rerun.Clustering.ClusterOf[^2], rerun.Clustering.ClusterOf[^1]);
    }

    [Fact]
    public void Oversized_blocks_are_skipped_and_reported()
    {
        var records = Enumerable.Range(0, 5).Select(i => Preparation.Prepare(new PersonRecord($"r{i}") { OtherId = "123" })).ToArray();
        var (pairs, report) = BlockingIndex.Build(BlockingRules.Person, records, [0, 1, 2, 3, 4], 3).CandidatePairs(records, false);
        Assert.Empty(pairs);
        Assert.Equal("other id", Assert.Single(report.Oversized).Rule);
    }

    [Fact]
    public void The_chaining_guard_keeps_two_people_apart_despite_one_bad_link()
    {
        // 0-2 are one person, 3-4 another; record 5 looks like both (say, a shared phone and a typo'd name).
        int[] first = [0, 1, 2, 5];
        double Weight(int a, int b) => first.Contains(a) == first.Contains(b) ? 20 : a == 5 || b == 5 ? 18 : -25;
        ScoredPair[] scored = [new(0, 1, 20, 1), new(1, 2, 20, 1), new(0, 2, 20, 1), new(3, 4, 20, 1), new(2, 5, 20, 1), new(3, 5, 18, 0.999)];
        var result = new Clusterer(Weight, new ClusteringOptions()).Cluster(6, scored, [], []);

        Assert.Equal(2, result.ClusterCount);
        Assert.Equal(result.ClusterOf[0], result.ClusterOf[5]);
        Assert.NotEqual(result.ClusterOf[3], result.ClusterOf[5]);
        Assert.Equal(RefusalReason.Chaining, Assert.Single(result.Refused).Reason);
        Assert.Contains(result.Review, p => p.A == 3 && p.B == 5);
    }

    [Fact]
    public void Without_the_guard_the_same_links_would_chain()
    {
        ScoredPair[] scored = [new(0, 1, 20, 1), new(1, 2, 20, 1)];
        var result = new Clusterer((_, _) => 20, new ClusteringOptions()).Cluster(3, scored, [], []);
        Assert.Equal(1, result.ClusterCount);
    }

    [Fact]
    public void Human_decisions_override_the_model()
    {
        var set = new SyntheticPeople(11).Generate(400);
        var engine = ResolutionEngine.Create(set.Records);
        var model = engine.ResolveAll();
        var (linkedA, linkedB) = Enumerable.Range(1, set.Records.Count - 1).Select(i => (i - 1, i)).First(p => model.Clustering.ClusterOf[p.Item1] == model.Clustering.ClusterOf[p.Item2]);
        var (apartA, apartB) = (0, Enumerable.Range(1, set.Records.Count - 1).First(i => set.Truth[i] != set.Truth[0] && model.Clustering.ClusterOf[i] != model.Clustering.ClusterOf[0]));

        var decided = engine.ResolveAll(
        [
            new HumanDecision(set.Records[linkedA].RecordId, set.Records[linkedB].RecordId, SameEntity: false),
            new HumanDecision(set.Records[apartA].RecordId, set.Records[apartB].RecordId, SameEntity: true),
        ]);

        Assert.NotEqual(decided.Clustering.ClusterOf[linkedA], decided.Clustering.ClusterOf[linkedB]);
        Assert.Equal(decided.Clustering.ClusterOf[apartA], decided.Clustering.ClusterOf[apartB]);
    }
}
