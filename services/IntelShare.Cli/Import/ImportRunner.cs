using System.Diagnostics;
using System.Text;
using Grpc.Core;
using IntelShare.Cli.Output;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Import;

internal sealed record ImportRequest
{
    public required string File { get; init; }

    public required ImportFormat Format { get; init; }

    /// <summary>--encoding, decoding strictly; a byte order mark in the file decides over it.</summary>
    public required Encoding Encoding { get; init; }

    public required RecordMapping Mapping { get; init; }

    public required Marking Marking { get; init; }

    public required int BatchSize { get; init; }

    /// <summary>--rejects; null lets <see cref="RejectsLocation"/> choose.</summary>
    public string? RequestedRejectsPath { get; init; }

    public bool Restart { get; init; }

    public bool DryRun { get; init; }
}

/// <summary>
/// Reads, maps and sends a file batch by batch. After each acknowledged batch the rejects are
/// written and the checkpoint saved, in that order, so an interrupted import resumes after the
/// last batch the server confirmed and the rejects file matches what was confirmed.
/// </summary>
internal sealed class ImportRunner(CliRun run)
{
    public async Task<int> RunAsync(ImportRequest request, string? serverOption, CancellationToken ct)
    {
        using var reader = RowReaders.Open(request.File, request.Format, request.Encoding);
        var mapping = reader.Columns is { } columns ? request.Mapping.ForColumns(columns) : request.Mapping;
        ImportReport.Mapping(run.Console, mapping, reader.Columns, detailed: request.DryRun);
        var preparer = new RowPreparer(mapping, request.Marking);
        return request.DryRun
            ? DryRun(request, reader, preparer)
            : await SendAsync(request, reader, preparer, CheckpointStore.Fingerprint(request.Format, request.Encoding, mapping, request.Marking), serverOption, ct);
    }

    private int DryRun(ImportRequest request, IRowReader reader, RowPreparer preparer)
    {
        var rejectsPath = RejectsLocation.Choose(request.File, request.RequestedRejectsPath, run.Context.WorkingDirectory, dryRun: true);
        RequireNoInterruptedImportWriting(rejectsPath, "the dry run");
        var stopwatch = Stopwatch.StartNew();
        var totals = new ImportTotals();
        var rejected = new List<RejectedRow>();
        RecordContent? sample = null;
        foreach (var row in reader.ReadRows().Select(preparer.Prepare))
        {
            totals.RowsRead++;
            if (row.Content is null)
            {
                totals.RejectedByClient++;
                rejected.Add(new RejectedRow(row.Number, row.SourceRef, row.Problems));
            }
            else
            {
                sample ??= row.Content;
            }
        }

        using var rejects = new RejectsFile(rejectsPath, append: false);
        rejects.DiscardPrevious();
        rejects.Write(rejected);
        ImportReport.DryRun(run.Console, totals, stopwatch.Elapsed, sample, rejected, rejects);
        return ExitCodes.Ok;
    }

    /// <summary>The rejects file of an interrupted import holds rows the server took, which resuming it will not send again.</summary>
    private void RequireNoInterruptedImportWriting(string rejectsPath, string what)
    {
        if (CheckpointStore.InterruptedImportWriting(run.Context.HomeDirectory, rejectsPath) is { } interrupted)
        {
            throw new UsageException(
                $"{rejectsPath} holds the rejected rows of an interrupted import of {interrupted.File} ({interrupted.RowsAcknowledged:N0} rows acknowledged), " +
                $"which {what} would replace. Give --rejects another file, or finish that import first (its command again, without --dry-run).");
        }
    }

    /// <summary>
    /// An agency code the platform does not know would release the records to no one (a typo), so the import stops
    /// before sending anything rather than marking every record with it.
    /// </summary>
    private static async Task RequireKnownAgenciesAsync(PlatformConnection connection, Marking marking, CancellationToken ct)
    {
        if (marking.ReleasableTo.Count == 0)
        {
            return;
        }

        var known = (await connection.Identity.ListAgenciesAsync(new ListAgenciesRequest(), cancellationToken: ct)).Agencies.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        var unknown = marking.ReleasableTo.Where(code => !known.Contains(code)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException(
                $"--releasable-to {string.Join(", ", unknown)}: no such agency on the platform. Known agencies: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        }
    }

    /// <summary>Every row would be refused under a case the agency is not on; better to say so once, before sending any.</summary>
    private static async Task RequireOpenCasesAsync(PlatformConnection connection, Marking marking, CancellationToken ct)
    {
        var closed = new List<string>();
        foreach (var caseRef in marking.CaseRefs)
        {
            try
            {
                await connection.Access.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef }, cancellationToken: ct);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.NotFound)
            {
                closed.Add(caseRef);
            }
        }

        if (closed.Count > 0)
        {
            throw new UsageException(
                $"--case {string.Join(", ", closed)}: no such case open to your agency. Records are filed only under a case your agency owns or is on: " +
                "open it first (`intelshare case create <ref> --title ...`) or ask its owner to add your agency.");
        }
    }

    /// <param name="options">The fingerprint of the options that decide what is sent, kept in the checkpoint.</param>
    private async Task<int> SendAsync(ImportRequest request, IRowReader reader, RowPreparer preparer, string options, string? serverOption, CancellationToken ct)
    {
        var checkpoints = new CheckpointStore(run.Context.HomeDirectory, request.File, request.Mapping.Body.Name);
        using var connection = await PlatformConnection.OpenAsync(run, serverOption, ct);
        await RequireKnownAgenciesAsync(connection, request.Marking, ct);
        await RequireOpenCasesAsync(connection, request.Marking, ct);
        if (request.Restart)
        {
            checkpoints.Delete();
        }

        var checkpoint = checkpoints.Load(options);
        // A resumed import goes on appending to the file it started, wherever it is run from now.
        var rejectsPath = RejectsLocation.Choose(request.File, request.RequestedRejectsPath ?? checkpoint?.RejectsPath, run.Context.WorkingDirectory, dryRun: false);
        if (checkpoint is null)
        {
            foreach (var superseded in checkpoints.RemoveSuperseded(run.Context.HomeDirectory))
            {
                run.Console.WriteLine(
                    $"The file has changed since an interrupted import of it ({superseded.RowsAcknowledged:N0} rows acknowledged, {superseded.UpdatedAt:u}), " +
                    "which therefore cannot resume: importing the whole file.");
            }

            RequireNoInterruptedImportWriting(rejectsPath, "this import");
        }

        var state = new ImportState(request, checkpoint, rejectsPath, options);
        if (checkpoint is not null)
        {
            run.Console.WriteLine($"Resuming: {checkpoint.RowsAcknowledged:N0} rows were acknowledged by an earlier run (--restart starts over).");
        }

        using var rejects = new RejectsFile(rejectsPath, append: checkpoint is not null);
        rejects.DiscardPrevious();
        var total = reader.CountRows();
        var resumedAt = state.RowsAcknowledged;
        var description = resumedAt > 0 ? $"{Path.GetFileName(request.File)} from row {resumedAt + 1:N0}" : Path.GetFileName(request.File);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await ImportProgress.RunAsync(run.Console, run.Context.ProgressInterval, description, total - resumedAt, async progress =>
            {
                var sender = new BatchSender(connection.Records, run.Context.RetryDelay, progress.Note);
                var rejectedRowCheck = new RejectedRowCheck(sender);
                foreach (var batch in reader.ReadRows().Skip(checked((int)resumedAt)).Chunk(request.BatchSize))
                {
                    var prepared = await rejectedRowCheck.CompleteAsync(batch.Select(preparer.Prepare).ToList(), ct);
                    var sent = prepared.Where(p => p.Content is not null).ToList();
                    var response = sent.Count > 0
                        ? await sender.SendAsync(sent.Select(p => p.Content!).ToList(), ct)
                        : new ContributeStreamResponse();
                    rejects.Write(Rejections(prepared, sent, response));
                    state.Acknowledge(prepared.Count, prepared.Count - sent.Count, response);
                    checkpoints.Save(state.ToCheckpoint());
                    progress.Advance(prepared.Count);
                }

                return true;
            });
        }
        // A rejects file or checkpoint that cannot be written (a full disk) stops the import before that batch counts
        // as done, so resuming sends it again and the server takes its rows as duplicates.
        catch (Exception e) when (e is RpcException or OperationCanceledException or ServerUnreachableException or CliException or IOException or UnauthorizedAccessException)
        {
            var exitCode = ErrorReporter.Report(run, e);
            run.Console.Warning(
                $"The import stopped after {state.RowsAcknowledged:N0} of about {total:N0} rows were acknowledged; the server keeps those. " +
                "Re-run the same command to resume from there (--restart starts over).");
            return exitCode;
        }

        checkpoints.Delete();
        ImportReport.Summary(run.Console, state.Totals, stopwatch.Elapsed, state.RowsAcknowledged - resumedAt, resumedAt);
        ImportReport.RejectsWritten(run.Console, state.Totals.Rejected, rejects.FilePath);
        var totals = state.Totals;
        if (totals.Rejected > 0 && totals.Accepted + totals.Duplicates == 0)
        {
            // Scripts run imports unattended: a file of which nothing was taken is a failure to look at, not a success.
            run.Console.Error("No row was imported: every row was rejected. The rejects file says why; fix the file or the options and run it again.");
            return ExitCodes.Failure;
        }

        return ExitCodes.Ok;
    }

    private static IEnumerable<RejectedRow> Rejections(IReadOnlyList<PreparedRow> prepared, IReadOnlyList<PreparedRow> sent, ContributeStreamResponse response)
    {
        foreach (var row in prepared.Where(p => p.Content is null))
        {
            yield return new RejectedRow(row.Number, row.SourceRef, row.Problems);
        }

        foreach (var rejection in response.Rejections)
        {
            // Positions count from 0 within this call, which carried only the rows that were sent.
            var row = rejection.Position >= 0 && rejection.Position < sent.Count ? sent[(int)rejection.Position] : null;
            var sourceRef = rejection.SourceRef is { Length: > 0 } reference ? reference : row?.SourceRef ?? "";
            yield return new RejectedRow(row?.Number ?? 0, sourceRef, [.. Problems.AsTheClientNamesThem(rejection.Problems)]);
        }
    }

    private sealed class ImportState(ImportRequest request, Checkpoint? checkpoint, string rejectsPath, string options)
    {
        public long RowsAcknowledged { get; private set; } = checkpoint?.RowsAcknowledged ?? 0;

        public ImportTotals Totals { get; } = checkpoint?.Totals ?? new ImportTotals();

        public void Acknowledge(long rows, long rejectedByClient, ContributeStreamResponse response)
        {
            RowsAcknowledged += rows;
            Totals.RowsRead += rows;
            Totals.RejectedByClient += rejectedByClient;
            Totals.Add(response);
        }

        public Checkpoint ToCheckpoint() =>
            new(request.File, request.Mapping.Body.Name, RowsAcknowledged, Totals, DateTimeOffset.UtcNow, rejectsPath, options);
    }
}
