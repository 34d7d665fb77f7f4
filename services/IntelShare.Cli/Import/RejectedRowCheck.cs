using Grpc.Core;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>
/// Completes the problems of rows rejected on the client with the platform's (CheckContributions writes nothing): a
/// row with a date the client could not read may also lack a name, and the contributor should fix it once, not once per
/// problem. A platform without CheckContributions (an older deployment) leaves the client's problems as all there are.
/// </summary>
internal sealed class RejectedRowCheck(BatchSender sender)
{
    private bool _unavailable;

    /// <summary>Whether the platform turned out to have no CheckContributions, so that a dry run can say it was not asked.</summary>
    public bool Unavailable => _unavailable;

    public async Task<IReadOnlyList<PreparedRow>> CompleteAsync(IReadOnlyList<PreparedRow> rows, CancellationToken ct)
    {
        var asked = Enumerable.Range(0, rows.Count).Where(i => rows[i].Remainder is not null).ToList();
        if (asked.Count == 0 || _unavailable)
        {
            return rows;
        }

        CheckContributionsResponse response;
        try
        {
            response = await sender.CheckAsync(asked.Select(i => rows[i].Remainder!).ToList(), ct);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            _unavailable = true;
            return rows;
        }

        var completed = rows.ToArray();
        foreach (var rejection in response.Rejections.Where(r => r.Position >= 0 && r.Position < asked.Count))
        {
            var index = asked[(int)rejection.Position];
            completed[index] = WithPlatformProblems(completed[index], rejection.Problems);
        }

        return completed;
    }

    /// <summary>A problem of a field the client already reported is left out: the client left that field out of what it asked about.</summary>
    private static PreparedRow WithPlatformProblems(PreparedRow row, IEnumerable<FieldProblem> problems)
    {
        var known = row.Problems.Select(p => p.Field).ToHashSet(StringComparer.Ordinal);
        return row with { Problems = [.. row.Problems, .. Problems.AsTheClientNamesThem(problems).Where(p => !known.Contains(p.Field))] };
    }
}
