using IntelShare.Cli.Import;
using IntelShare.Cli.Output;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Demo;

/// <summary>What the import did for one agency.</summary>
internal sealed record AgencyImport(string Agency, ImportTotals Totals);

/// <summary>
/// Contributes each agency's records as that agency's system, in acknowledged batches through the import's
/// batch sender and progress display, then learns the record ids of the named cast.
/// </summary>
internal sealed class DemoImporter(CliRun run, DemoSessions sessions, int batchSize)
{
    private const int ShownRejections = 5;

    public async Task<(IReadOnlyList<AgencyImport> Imports, IReadOnlyDictionary<CastRecord, string> Ids)> RunAsync(DemoScenario scenario, CancellationToken ct)
    {
        var imports = new List<AgencyImport>();
        var ids = new Dictionary<CastRecord, string>();
        foreach (var (agency, records) in scenario.Records)
        {
            using var connection = await sessions.OpenAsync(DemoPrincipal.System(agency), ct);
            var totals = new ImportTotals();
            var rejections = new List<RejectedRecord>();
            await ImportProgress.RunAsync(run.Console, run.Context.ProgressInterval, $"{agency} as {DemoAgencies.SystemClient(agency)}", records.Count, async progress =>
            {
                var sender = new BatchSender(connection.Records, run.Context.RetryDelay, progress.Note);
                foreach (var batch in records.Chunk(batchSize))
                {
                    var response = await sender.SendAsync(batch, ct);
                    totals.RowsRead += batch.Length;
                    totals.Add(response);
                    rejections.AddRange(response.Rejections);
                    progress.Advance(batch.Length);
                }

                return true;
            });
            ReportRejections(agency, rejections);
            imports.Add(new AgencyImport(agency, totals));

            // ContributeStream acknowledges counts, not ids. Offering a cast record again is answered as a
            // duplicate with its id, and writes nothing.
            foreach (var member in scenario.Cast.All.Where(member => member.Agency == agency))
            {
                var content = records.First(record => record.SourceRef == member.SourceRef);
                var response = await connection.Records.ContributeAsync(new ContributeRequest { Content = content }, cancellationToken: ct);
                ids[member] = response.RecordId;
            }
        }

        return (imports, ids);
    }

    /// <summary>The scenario is generated to be valid: a rejection means the platform's rules moved, and the user should know which.</summary>
    private void ReportRejections(string agency, List<RejectedRecord> rejections)
    {
        if (rejections.Count == 0)
        {
            return;
        }

        run.Console.Warning($"{agency}: the platform rejected {rejections.Count:N0} demo records, e.g.:");
        foreach (var rejection in rejections.Take(ShownRejections))
        {
            run.Console.Warning($"  {rejection.SourceRef}: {string.Join("; ", rejection.Problems.Select(Problems.Describe))}");
        }
    }
}
