using System.Text;
using IntelShare.Normalisation;
using IntelShare.Search.Engine.Lucene;
using Xunit.Abstractions;
using static IntelShare.Search.Engine.Tests.Fixtures;

namespace IntelShare.Search.Engine.Tests;

/// <summary>
/// Name search on the Febrl benchmark: the originals of dataset2 are indexed through the real Lucene index, and
/// each query is written as a partner would write the same person: the corrupted duplicate Febrl made of them
/// (typos, dropped, replaced, split and swapped names), or the name spelt letter by letter in Cyrillic or Greek.
/// The true original must come back among the first ten hits, and mostly first. Each threshold sits a little
/// under what the index achieved when it was set (the figure is printed), so a change that loses names fails here.
/// </summary>
public sealed class FebrlNameSearchTests(FebrlNameSearchTests.FebrlIndex febrl, ITestOutputHelper output) : IClassFixture<FebrlNameSearchTests.FebrlIndex>
{
    private const int TopN = 10;

    /// <summary>Every how-manyth original is queried where all 4,000 would take long: a few hundred tell enough.</summary>
    private const int Sample = 8;

    [Fact]
    public async Task Duplicates_with_corrupted_names_find_their_original()
    {
        // Measured 98.0 % (top 1 97.4 %). A duplicate whose date of birth was corrupted too is left out: the date
        // of birth narrows a name search by design, so that query is meant to miss.
        var queries = febrl.Duplicates
            .Where(d => d.Original.HasName && d.Record.HasName && d.Record.Name != d.Original.Name && d.Record.DateOfBirth == d.Original.DateOfBirth)
            .Select(d => new NameQuery(d.Original.Id, d.Record.Name, d.Record.DateOfBirth))
            .ToArray();

        await AssertFound("corrupted names with date of birth", queries, 0.95, 0.93);
    }

    [Fact]
    public async Task Duplicates_with_corrupted_names_and_no_date_of_birth_find_their_original()
    {
        // Measured 68.6 % (top 1 63.3 %). Without a date of birth every token of a short name must match, so the
        // quarter or so of Febrl's corruptions that replace or drop a name are meant to miss: one name alone
        // would find everyone called "jack".
        var queries = febrl.Duplicates
            .Where(d => d.Original.HasName && d.Record.HasName && d.Record.Name != d.Original.Name)
            .Select(d => new NameQuery(d.Original.Id, d.Record.Name, null))
            .ToArray();

        await AssertFound("corrupted names without date of birth", queries, 0.65, 0.60);
    }

    [Fact]
    public async Task Names_spelt_in_Cyrillic_find_the_person()
    {
        // Measured 100 % (top 1 100 %).
        var queries = febrl.Originals
            .Where((o, i) => o.HasName && i % Sample == 0)
            .Select(o => new NameQuery(o.Id, Spell(o.Name, Cyrillic), o.DateOfBirth))
            .ToArray();

        await AssertFound("Cyrillic", queries, 0.97, 0.95);
    }

    [Fact]
    public async Task Corrupted_names_spelt_in_Cyrillic_find_their_original()
    {
        // Measured 98.9 % (top 1 98.5 %): typos and transliteration together.
        var queries = febrl.Duplicates
            .Where((d, i) => d.Original.HasName && d.Record.HasName && d.Record.DateOfBirth == d.Original.DateOfBirth && i % 2 == 0)
            .Select(d => new NameQuery(d.Original.Id, Spell(d.Record.Name, Cyrillic), d.Record.DateOfBirth))
            .ToArray();

        await AssertFound("corrupted names in Cyrillic", queries, 0.95, 0.93);
    }

    [Fact]
    public async Task Names_spelt_in_Greek_find_the_person()
    {
        // Measured 98.4 % (top 1 98.4 %); the misses are mostly "j" written τζ next to another difference.
        var queries = febrl.Originals
            .Where((o, i) => o.HasName && i % Sample == Sample / 2)
            .Select(o => new NameQuery(o.Id, Spell(o.Name, Greek), o.DateOfBirth))
            .ToArray();

        await AssertFound("Greek", queries, 0.95, 0.93);
    }

    [Fact]
    public async Task Names_that_are_not_held_find_nobody()
    {
        // Measured 96.2 %; what is found is a near spelling of both names ("jaime ryan": "jamie ryan").
        // One person's given name with another's family name: no one is called that, but many share one of them.
        var held = febrl.Originals.Select(o => (o.Given, o.Family)).ToHashSet();
        var named = febrl.Originals.Where(o => o.Given.Length > 0 && o.Family.Length > 0).ToArray();
        var queries = named
            .Select((o, i) => (o.Given, named[(i + (named.Length / 2)) % named.Length].Family))
            .Where(name => !held.Contains(name))
            .Where((_, i) => i % Sample == 0)
            .Select(name => new NameQuery("", $"{name.Given} {name.Family}", null))
            .ToArray();

        var found = await Search(queries);
        var nobody = found.Count(f => f.Hits.Count == 0);
        var share = (double)nobody / queries.Length;
        output.WriteLine($"absent names: no hit for {nobody}/{queries.Length} ({share:P1})");
        foreach (var (query, hits) in found.Where(f => f.Hits.Count > 0).Take(20))
        {
            output.WriteLine($"  '{query.Name}' found {Names(hits)}");
        }

        Assert.True(share >= 0.93, $"absent names: only {share:P1} of {queries.Length} found nobody, expected at least 93 %");
    }

    private async Task AssertFound(string what, IReadOnlyList<NameQuery> queries, double inTop, double first)
    {
        var found = await Search(queries);
        var ranks = found.Select(f => f.Hits.ToList().IndexOf(f.Query.Expected)).ToArray();
        var top = (double)ranks.Count(r => r >= 0) / queries.Count;
        var top1 = (double)ranks.Count(r => r == 0) / queries.Count;
        output.WriteLine($"{what}: in the top {TopN} for {top:P1} of {queries.Count} (at least {inTop:P0}), first for {top1:P1} (at least {first:P0})");
        foreach (var ((query, hits), _) in found.Zip(ranks).Where(f => f.Second < 0).Take(20))
        {
            output.WriteLine($"  missed '{query.Name}' {query.DateOfBirth} for '{febrl.ById[query.Expected].Name}'; found {Names(hits)}");
        }

        Assert.True(top >= inTop, $"{what}: the original was in the top {TopN} for {top:P1} of {queries.Count} queries, expected at least {inTop:P0}");
        Assert.True(top1 >= first, $"{what}: the original was first for {top1:P1} of {queries.Count} queries, expected at least {first:P0}");
    }

    private string Names(IReadOnlyList<string> hits) => string.Join(", ", hits.Take(3).Select(h => $"'{febrl.ById[h].Name}'"));

    /// <summary>The ids of the first hits of each query, in query order; two at a time, as the machine has cores to spare.</summary>
    private async Task<(NameQuery Query, IReadOnlyList<string> Hits)[]> Search(IReadOnlyList<NameQuery> queries)
    {
        var hits = new IReadOnlyList<string>[queries.Count];
        var principal = Principal("NCA");
        await Parallel.ForAsync(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, cancellationToken) =>
        {
            var query = new SearchQuery { Name = queries[i].Name, DateOfBirth = queries[i].DateOfBirth, PageSize = TopN };
            hits[i] = [.. (await febrl.Index.SearchAsync(query, principal, cancellationToken)).Hits.Select(h => h.RecordId)];
        });
        return [.. queries.Select((q, i) => (q, hits[i]))];
    }

    private static string Spell(string name, IReadOnlyDictionary<char, string> letters)
    {
        var spelt = new StringBuilder(name.Length * 2);
        foreach (var c in name)
        {
            spelt.Append(letters.TryGetValue(c, out var s) ? s : c.ToString());
        }

        return spelt.ToString();
    }

    /// <summary>Letter by letter, as a clerk who knows the sounds but not the spelling would write an English name.</summary>
    private static readonly Dictionary<char, string> Cyrillic = new()
    {
        ['a'] = "а", ['b'] = "б", ['c'] = "к", ['d'] = "д", ['e'] = "е", ['f'] = "ф", ['g'] = "г", ['h'] = "х", ['i'] = "и",
        ['j'] = "дж", ['k'] = "к", ['l'] = "л", ['m'] = "м", ['n'] = "н", ['o'] = "о", ['p'] = "п", ['q'] = "к", ['r'] = "р",
        ['s'] = "с", ['t'] = "т", ['u'] = "у", ['v'] = "в", ['w'] = "в", ['x'] = "кс", ['y'] = "й", ['z'] = "з",
    };

    /// <summary>Likewise in Greek, one letter for one (β for both b and v, ου for u and w, τζ for j).</summary>
    private static readonly Dictionary<char, string> Greek = new()
    {
        ['a'] = "α", ['b'] = "β", ['c'] = "κ", ['d'] = "δ", ['e'] = "ε", ['f'] = "φ", ['g'] = "γ", ['h'] = "χ", ['i'] = "ι",
        ['j'] = "τζ", ['k'] = "κ", ['l'] = "λ", ['m'] = "μ", ['n'] = "ν", ['o'] = "ο", ['p'] = "π", ['q'] = "κ", ['r'] = "ρ",
        ['s'] = "σ", ['t'] = "τ", ['u'] = "ου", ['v'] = "β", ['w'] = "ου", ['x'] = "ξ", ['y'] = "ι", ['z'] = "ζ",
    };

    private sealed record NameQuery(string Expected, string Name, string? DateOfBirth);

    public sealed record FebrlRecord(string Id, string Given, string Family, string? DateOfBirth)
    {
        public string Name => $"{Given} {Family}".Trim();

        public bool HasName => NameText.Tokens(Name).Length > 0;

        /// <summary>"rec-123-org" and "rec-123-dup-0" are the same person, 123.</summary>
        public string Person => Id.Split('-')[1];

        public bool IsOriginal => Id.EndsWith("-org", StringComparison.Ordinal);
    }

    public sealed record Duplicate(FebrlRecord Record, FebrlRecord Original);

    /// <summary>The originals of one Febrl file in a Lucene index, built once for the class.</summary>
    public sealed class FebrlIndex : IDisposable
    {
        private const string File = "dataset2.csv";
        private readonly string _path = TempDirectory();

        public FebrlIndex()
        {
            var records = Read(Febrl(File));
            Originals = [.. records.Where(r => r.IsOriginal)];
            ById = Originals.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var byPerson = Originals.ToDictionary(r => r.Person, StringComparer.Ordinal);
            Duplicates = [.. records.Where(r => !r.IsOriginal && byPerson.ContainsKey(r.Person)).Select(r => new Duplicate(r, byPerson[r.Person]))];

            Index = LuceneSearchIndex.Open(_path, new LuceneSearchIndexOptions { Time = new FixedTime(Now) }).Index;
            Index.UpsertAsync([.. Originals.Select(o => Person(o.Id, o.Given, o.Family, dob: o.DateOfBirth))], null).GetAwaiter().GetResult();
            Index.RefreshAsync().GetAwaiter().GetResult();
        }

        public ISearchIndex Index { get; }

        public IReadOnlyList<FebrlRecord> Originals { get; }

        public IReadOnlyDictionary<string, FebrlRecord> ById { get; }

        public IReadOnlyList<Duplicate> Duplicates { get; }

        public void Dispose()
        {
            Index.Dispose();
            DeleteDirectory(_path);
        }

        /// <summary>Febrl files are comma-and-space separated, unquoted; a date of birth that is not a date is left out.</summary>
        private static List<FebrlRecord> Read(string path)
        {
            var lines = System.IO.File.ReadAllLines(path);
            var header = lines[0].Split(',').Select(h => h.Trim()).ToList();
            int id = header.IndexOf("rec_id"), given = header.IndexOf("given_name"), family = header.IndexOf("surname"), dob = header.IndexOf("date_of_birth");
            return
            [
                .. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(f => f.Trim()).ToArray()).Select(f => new FebrlRecord(
                    f[id], f[given], f[family], PartialDate.TryParse(f[dob], out _) ? f[dob] : null)),
            ];
        }

        /// <summary>The Febrl files live beside the repository, in ../shared/data/febrl from the directory holding IntelShare.sln.</summary>
        private static string Febrl(string file)
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(directory.FullName, "IntelShare.sln")))
                {
                    return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", "febrl", file));
                }
            }

            throw new InvalidOperationException("IntelShare.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
