using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Demo;

/// <summary>A record of the named cast: the agency that holds it and its source reference, which finds its record id after import.</summary>
internal sealed record CastRecord(string Agency, string SourceRef, string Description);

/// <summary>Everything the demo contributes, per agency, with the named cast picked out for the case and the tour.</summary>
internal sealed class DemoScenario
{
    public required NistruCast Cast { get; init; }

    /// <summary>Agency code to its records, in <see cref="DemoAgencies.Contributors"/> order; the cast's records come first.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<RecordContent>> Records { get; init; }

    public required int BackgroundCount { get; init; }

    public int Count => Records.Values.Sum(records => records.Count);

    /// <summary>
    /// The named cast is always the same; the background grows with <paramref name="scale"/> and varies with
    /// <paramref name="seed"/>, whose value is part of every background source reference so that two seeds add up
    /// rather than overwrite each other.
    /// </summary>
    public static DemoScenario Generate(int seed, double scale)
    {
        var story = NistruStory.Build();
        var background = new BackgroundGenerator(seed).Generate(BackgroundGenerator.CountFor(scale));
        var records = DemoAgencies.Contributors.ToDictionary(
            agency => agency,
            agency => (IReadOnlyList<RecordContent>)[.. story.Records[agency], .. background[agency]]);
        return new DemoScenario
        {
            Cast = story.Cast,
            Records = records,
            BackgroundCount = background.Values.Sum(list => list.Count),
        };
    }
}
