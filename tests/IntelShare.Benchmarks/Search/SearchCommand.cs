using System.Collections.Frozen;
using System.CommandLine;
using System.Diagnostics;
using System.Runtime;
using IntelShare.Domain;
using IntelShare.Normalisation;
using IntelShare.Policy;
using IntelShare.Search.Engine;
using IntelShare.Search.Engine.Lucene;
using Spectre.Console;
using RecordType = IntelShare.Search.Engine.RecordType;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record SearchOptions(int Records, int BatchSize, int Queries, int Seed, string? DataRoot, string Out);

/// <param name="Collections">Garbage collections (all generations) while the timed queries ran.</param>
/// <param name="GcPauseMs">Time the runtime paused every thread for them: the part of the tail that is not the query's own.</param>
public sealed record SearchLatency(string Query, int Count, double P50Ms, double P99Ms, double MaxMs, double MeanHits, double AllocatedKiBPerQuery, int Collections, double GcPauseMs);

public sealed record SearchSummary(
    MachineInfo Machine,
    SearchOptions Options,
    double IndexSeconds,
    double RecordsPerSecond,
    double CommitSeconds,
    double MergeSeconds,
    long SizeOnDiskBytes,
    IReadOnlyList<SearchLatency> Latencies,
    IReadOnlyList<Target> Targets);

/// <summary>
/// The "search" subcommand: the embedded Lucene search index in-process, as the Search service runs it.
/// Indexes generated people (names of several locales and scripts, documents, phones) and reports under
/// mixed markings, then times typo-tolerant name searches and identifier checks with the need-to-know filter on.
/// </summary>
public static class SearchCommand
{
    private static readonly string[] Agencies = ["NCA", "GARDA", "PSNI", "POLICE-SCOTLAND", "BORDER-FORCE"];
    private static readonly string[] Forms = ["sexual", "labour", "criminal", "domestic_servitude", "organ_removal"];
    private static readonly string[] Cases = ["OP-NORTH", "OP-DELTA", "JIT-2026-01", "OP-HARBOUR"];
    private static readonly string[] ReportWords =
        ["workers", "farm", "hotel", "car", "wash", "debt", "bondage", "passport", "withheld", "transported", "van", "night",
         "recruited", "online", "advert", "cash", "threats", "family", "house", "factory", "nail", "bar", "cannabis", "grow"];

    public static Command Create(string[] commandLine)
    {
        var records = CommonOptions.Positive(new Option<int>("--records") { Description = "Records to index.", DefaultValueFactory = _ => 1_000_000 });
        var batch = CommonOptions.Positive(new Option<int>("--batch-size") { Description = "Records per upsert.", DefaultValueFactory = _ => 5_000 });
        var queries = CommonOptions.Positive(new Option<int>("--queries") { Description = "Timed queries of each kind.", DefaultValueFactory = _ => 1_000 });
        var seed = CommonOptions.Seed("the generated records and queries");
        var dataRoot = CommonOptions.DataRoot();
        var output = CommonOptions.Out("search.json");
        var command = new Command("search", "In-process search index: indexing rate, fuzzy name search and identifier check latency with the need-to-know filter, size on disk.")
        {
            records, batch, queries, seed, dataRoot, output,
        };
        command.SetAction(parse => Run(
            new SearchOptions(parse.GetValue(records), parse.GetValue(batch), parse.GetValue(queries), parse.GetValue(seed), parse.GetValue(dataRoot), parse.GetValue(output)!),
            commandLine));
        return command;
    }

    private static async Task<int> Run(SearchOptions options, string[] commandLine)
    {
        var machine = MachineInfo.Collect(commandLine);
        WriteHeader(
            machine,
            "IntelShare search index benchmark",
            ("Platform", "in-process, LuceneSearchIndex on local disk, default options"),
            ("Workload", $"{options.Records:N0} records (9 in 10 people from PersonGenerator, 1 in 10 reports) under mixed markings of {Agencies.Length} agencies; " +
                $"{options.Queries:N0} timed queries of each kind after 100 untimed"));

        var directory = ScratchDirectory.Create(options.DataRoot);
        try
        {
            var opened = LuceneSearchIndex.Open(directory.FullName);
            using var index = opened.Index;
            var random = new Random(options.Seed);
            var names = new List<string>();
            var documents = new List<string>();

            // The records are generated before the clock starts: the figure is the index's rate, not the generator's.
            var batches = new List<SearchDocument[]>();
            for (var done = 0; done < options.Records; done += options.BatchSize)
            {
                var size = Math.Min(options.BatchSize, options.Records - done);
                var people = PersonGenerator.Generate(size, $"S{done / options.BatchSize:D4}", options.Seed + done);
                var batch = new SearchDocument[size];
                for (var i = 0; i < size; i++)
                {
                    var id = $"rec-{done + i:D8}";
                    batch[i] = (done + i) % 10 == 9 ? Report(random, id) : Person(random, id, people[i].Content.Person);
                    if (random.Next(500) == 0 && batch[i].Type == RecordType.Person)
                    {
                        names.Add(batch[i].Names[0].FullText);
                        documents.Add(batch[i].Identifiers[0].Value);
                    }
                }

                batches.Add(batch);
            }

            AnsiConsole.MarkupLine(Markup.Escape($"Generated {options.Records:N0} records; indexing"));
            var start = Stopwatch.GetTimestamp();
            var written = 0;
            foreach (var batch in batches)
            {
                written += batch.Length;
                await index.UpsertAsync(batch, $"checkpoint-{written}");
                if (written % (40 * options.BatchSize) == 0)
                {
                    AnsiConsole.MarkupLine(Markup.Escape($"{written:N0} records, {written / Stopwatch.GetElapsedTime(start).TotalSeconds:N0}/s"));
                }
            }

            batches.Clear();
            await index.RefreshAsync();
            var indexSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var commitStart = Stopwatch.GetTimestamp();
            await index.CommitAsync();
            var commitSeconds = Stopwatch.GetElapsedTime(commitStart).TotalSeconds;
            // Queries are timed on a settled index: while the merges that bulk indexing left behind run, they take one
            // of the two cores, and that is a cost of the intake, not of the query.
            var mergeStart = Stopwatch.GetTimestamp();
            index.WaitForMerges();
            var mergeSeconds = Stopwatch.GetElapsedTime(mergeStart).TotalSeconds;
            GC.Collect();
            AnsiConsole.MarkupLine(Markup.Escape($"Managed heap after indexing: {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:N0} MiB ({(GCSettings.IsServerGC ? "server" : "workstation")} GC)"));
            var stats = await index.GetStatsAsync();
            AnsiConsole.MarkupLine(Markup.Escape($"Indexed {stats.DocumentCount:N0} records in {indexSeconds:N1} s ({options.Records / indexSeconds:N0}/s) until searchable; commit {commitSeconds:N2} s; background merges done {mergeSeconds:N1} s later; {stats.SizeOnDiskBytes / 1048576.0:N0} MiB on disk"));

            var analyst = new SearchPrincipal(
                new Subject("bench-analyst", "Bench Analyst", "GARDA", new[] { Roles.Analyst }.ToFrozenSet(), ClearanceLevel.OfficialSensitive, FrozenSet<string>.Empty),
                new AccessContext(new[] { "OP-DELTA" }.ToFrozenSet(), []),
                new ReadJustification("OP-DELTA", "benchmark", ReadPurpose.CriminalInvestigation));
            var frontline = analyst with { Justification = new ReadJustification(null, "roadside check", ReadPurpose.FrontlineCheck) };

            var fuzzy = await Time("fuzzy name search, 1 typo, policy filter, page of 20", options.Queries, i =>
                index.SearchAsync(new SearchQuery { Name = Typo(random, names[i % names.Count]) }, analyst).ContinueWith(t => t.Result.TotalHits));
            var check = await Time("identifier check (document number)", options.Queries, i =>
                index.CheckAsync(new CheckQuery { Identifier = new IdentifierQuery(null, documents[i % documents.Count]) }, frontline).ContinueWith(t => (long)t.Result.Hits.Count));
            var text = await Time("free text AND, policy filter, facets", options.Queries, i =>
                index.SearchAsync(new SearchQuery { Text = $"{ReportWords[i % ReportWords.Length]} AND {ReportWords[(i * 7 + 3) % ReportWords.Length]}", Facets = ["type", "agency"] }, analyst).ContinueWith(t => t.Result.TotalHits));

            // Last, and with its entities made only now, so that neither they nor its garbage weigh on the figures the
            // targets are about. One person record in four belongs to an entity of about three, as Resolution would report.
            var entities = new EntityMembership();
            var membership = new Random(options.Seed + 1);
            for (var i = 0; i < options.Records; i++)
            {
                if (i % 10 != 9 && membership.Next(4) == 0)
                {
                    entities.Set($"rec-{i:D8}", $"ent-{membership.Next(Math.Max(1, options.Records / 12))}");
                }
            }

            var grouped = new EntityGroupedSearch(index, entities);
            var byEntity = await Time("fuzzy name search grouped by entity, page of 20 groups", options.Queries, i =>
                grouped.SearchAsync(new SearchQuery { Name = Typo(random, names[i % names.Count]) }, analyst).ContinueWith(t => t.Result.TotalHits));

            Target[] targets =
            [
                Target.AtLeast("Indexing: records/s", 10_000, options.Records / indexSeconds),
                Target.AtMost("Fuzzy name search p50 (ms)", 50, fuzzy.P50Ms),
                Target.AtMost("Fuzzy name search p99 (ms)", 50, fuzzy.P99Ms),
                Target.AtMost("Identifier check p50 (ms)", 5, check.P50Ms),
                Target.AtMost("Identifier check p99 (ms)", 5, check.P99Ms),
            ];
            var table = Table("Query latency", "Query", "Count", "p50 ms", "p99 ms", "max ms", "Mean hits", "KiB allocated", "GCs", "GC pause ms");
            foreach (var latency in new[] { fuzzy, byEntity, check, text })
            {
                table.AddRow(Markup.Escape(latency.Query), Text(latency.Count), Number(latency.P50Ms, "0.00"), Number(latency.P99Ms, "0.00"), Number(latency.MaxMs, "0.00"), Number(latency.MeanHits, "0.0"), Number(latency.AllocatedKiBPerQuery, "0"), Text(latency.Collections), Number(latency.GcPauseMs, "0.0"));
            }

            AnsiConsole.Write(table);
            var summary = new SearchSummary(machine, options, indexSeconds, options.Records / indexSeconds, commitSeconds, mergeSeconds, stats.SizeOnDiskBytes, [fuzzy, byEntity, check, text], targets);
            Conclude(summary, targets, options.Out);
            return 0;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<SearchLatency> Time(string name, int count, Func<int, Task<long>> query)
    {
        for (var i = 0; i < 100; i++)
        {
            await query(i);
        }

        var millis = new List<double>(count);
        long hits = 0;
        var gc = GcMeter.Start();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            hits += await query(i + 100);
            millis.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var collected = gc.Stop();
        millis.Sort();
        return new SearchLatency(name, count, Statistics.Percentile(millis, 0.50), Statistics.Percentile(millis, 0.99), millis[^1], (double)hits / count, collected.AllocatedKiBPer(count), collected.Collections, collected.PauseMs);
    }

    /// <summary>One letter of the family name changed, as a misheard or misread name would be.</summary>
    private static string Typo(Random random, string name)
    {
        var chars = name.ToCharArray();
        var at = name.LastIndexOf(' ') + 2 + random.Next(Math.Max(1, name.Length - name.LastIndexOf(' ') - 2));
        chars[Math.Min(at, chars.Length - 1)] = (char)('a' + random.Next(26));
        return new string(chars);
    }

    private static ResourceMarking Marking(Random random, string id, RecordType type)
    {
        var caveat = random.Next(10) switch { 0 => Caveat.VictimIdentity, 1 => Caveat.SourceSensitive, _ => Caveat.None };
        return new ResourceMarking
        {
            Kind = ResourceKind.Record,
            ResourceId = id,
            Body = SearchDocument.BodyOf(type),
            Classification = random.Next(10) switch { < 5 => ClearanceLevel.Official, < 9 => ClearanceLevel.OfficialSensitive, _ => ClearanceLevel.Secret },
            OriginatorAgency = Agencies[random.Next(Agencies.Length)],
            ReleaseToAllPartners = random.Next(2) == 0,
            ReleasableTo = random.Next(3) == 0 ? new[] { Agencies[random.Next(Agencies.Length)] }.ToFrozenSet() : FrozenSet<string>.Empty,
            Caveats = caveat,
            CaseRefs = random.Next(5) == 0 ? [Cases[random.Next(Cases.Length)]] : [],
            Discoverable = random.Next(3) > 0,
            Withdrawn = random.Next(100) == 0,
        };
    }

    private static SearchDocument Person(Random random, string id, IntelShare.Contracts.V1.Person person)
    {
        PartialDate.TryParse(person.DateOfBirth, out var dob);
        return new SearchDocument
        {
            RecordId = id,
            Version = 1,
            Type = RecordType.Person,
            Marking = Marking(random, id, RecordType.Person),
            Names =
            [
                new SearchName(person.Name.GivenName, person.Name.FamilyName, NameUse.Primary, "person.name"),
                .. person.Name.OriginalScript.Length > 0 ? [new SearchName(null, null, NameUse.OriginalScript, "person.name", person.Name.OriginalScript)] : Array.Empty<SearchName>(),
                .. person.Aliases.Select(a => new SearchName(a.GivenName, a.FamilyName, NameUse.Alias, "person.aliases")),
            ],
            DateOfBirth = dob.Year == 0 ? null : dob,
            Nationalities = [.. person.Nationalities],
            Identifiers =
            [
                .. person.Documents.Select(d => new SearchIdentifier(IdentifierKind.Document, d.Number, "person.documents")),
                .. person.Phones.Select(p => new SearchIdentifier(IdentifierKind.Phone, p, "person.phones", "GB")),
            ],
            Texts = [.. person.Roles.Select(r => new SearchText("person.roles", r))],
            ExploitationForms = [Forms[random.Next(Forms.Length)]],
            RecordedAt = DateTimeOffset.UnixEpoch.AddDays(19_000 + random.Next(1_500)),
            DisplayPayload = Google.Protobuf.MessageExtensions.ToByteArray(person.Name),
        };
    }

    private static SearchDocument Report(Random random, string id)
    {
        var words = Enumerable.Range(0, 40 + random.Next(80)).Select(_ => ReportWords[random.Next(ReportWords.Length)]);
        return new SearchDocument
        {
            RecordId = id,
            Version = 1,
            Type = RecordType.Report,
            Marking = Marking(random, id, RecordType.Report),
            Texts = [new SearchText("report.title", $"Report {id}"), new SearchText("report.text", string.Join(' ', words))],
            ExploitationForms = [Forms[random.Next(Forms.Length)]],
            RecordedAt = DateTimeOffset.UnixEpoch.AddDays(19_000 + random.Next(1_500)),
        };
    }
}
