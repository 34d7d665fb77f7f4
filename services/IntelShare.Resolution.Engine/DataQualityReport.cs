using IntelShare.Resolution.Engine.Comparison;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine;

public sealed record FieldQuality(string Field, int Present, int Missing, int Malformed);

/// <summary>How complete the input was: per compared field, how many records have it; and the unreadable values.</summary>
public sealed record DataQualityReport(int Records, int RecordsWithMalformedFields, IReadOnlyList<FieldQuality> Fields, IReadOnlyList<string> Examples)
{
    public static DataQualityReport Of(IReadOnlyList<PreparedRecord> records)
    {
        var fields = new List<FieldQuality>();
        foreach (var kind in records.Select(r => r.Kind).Distinct())
        {
            var ofKind = records.Where(r => r.Kind == kind).ToArray();
            foreach (var comparison in ComparisonSets.For(kind))
            {
                // A record has a field when comparing it with itself is not "missing".
                var present = ofKind.Count(r => comparison.Compare(r, r) != 0);
                var malformed = ofKind.Count(r => r.Problems.Any(p => p.StartsWith(comparison.Name + ":", StringComparison.Ordinal)));
                fields.Add(new FieldQuality(comparison.Name, present, ofKind.Length - present, malformed));
            }
        }

        var problems = records.Where(r => r.Problems.Count > 0).ToArray();
        return new DataQualityReport(records.Count, problems.Length, fields, [.. problems.Take(10).Select(r => $"{r.RecordId}: {string.Join("; ", r.Problems)}")]);
    }
}
