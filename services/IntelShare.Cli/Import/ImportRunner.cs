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
        var keys = new KeyUsage(mapping);
        return request.DryRun
            ? await DryRunAsync(request, reader, preparer, keys, serverOption, ct)
            : await SendAsync(request, reader, preparer, keys, CheckpointStore.Fingerprint(request.Format, request.Encoding, mapping, request.Marking), serverOption, ct);
    }

    /// <summary>
    /// Checks every row as the import would, batch by batch, but asks the platform with CheckContributions, which writes
    /// nothing, where the import would send: the dry run rejects exactly what the import would, the platform's rules
    /// (vocabularies, required fields, withdrawn source references) included. Without a session or a platform that
    /// answers it checks on the client alone, and says so.
    /// </summary>
    private async Task<int> DryRunAsync(ImportRequest request, IRowReader reader, RowPreparer preparer, KeyUsage keys, string? serverOption, CancellationToken ct)
    {
        var rejectsPath = RejectsLocation.Choose(request.File, request.RequestedRejectsPath, run.Context.WorkingDirectory, dryRun: true);
        RequireNoInterruptedImportWriting(rejectsPath, "the dry run");
        var (connection, notChecked) = await ConnectForDryRunAsync(request, serverOption, ct);
        using var _ = connection;
        var stopwatch = Stopwatch.StartNew();
        var totals = new ImportTotals();
        var rejected = new List<RejectedRow>();
        long rowsChecked = 0;
        RecordContent? sample = null;
        var total = reader.CountRows();
        await ImportProgress.RunAsync(run.Console, run.Context.ProgressInterval, $"{Path.GetFileName(request.File)} (dry run)", total, async progress =>
        {
            var sender = connection is null ? null : new BatchSender(connection.Records, run.Context.RetryDelay, progress.Note);
            var rejectedRowCheck = sender is null ? null : new RejectedRowCheck(sender);
            var refs = new SourceRefClaims();
            foreach (var batch in reader.ReadRows().Select(keys.Observe).Chunk(request.BatchSize))
            {
                var prepared = batch.Select(preparer.Prepare).Select(refs.Claim).ToList();
                IReadOnlyList<PreparedRow> checkedBatch = prepared;
                IReadOnlyList<RejectedRecord> platformRejections = [];
                if (sender is not null && rejectedRowCheck is not null && notChecked is null)
                {
                    try
                    {
                        // As the import: the client's rejects completed with the platform's problems, then the rest.
                        checkedBatch = await rejectedRowCheck.CompleteAsync(prepared, ct);
                        var toCheck = Sendable(checkedBatch);
                        platformRejections = toCheck.Count > 0 ? (await sender.CheckAsync([.. toCheck.Select(p => p.Content!)], ct)).Rejections : [];
                        notChecked = rejectedRowCheck.Unavailable ? NoCheckContributions(connection!.Server) : null;
                    }
                    catch (RpcException e) when (!ct.IsCancellationRequested)
                    {
                        notChecked = NotCheckedReason(e, connection!.Server);
                    }

                    if (notChecked is null)
                    {
                        rowsChecked += prepared.Count;
                    }
                    else
                    {
                        progress.Note(NotCheckedWarning(notChecked, rowsChecked));
                        (checkedBatch, platformRejections) = (prepared, []);
                    }
                }

                var sendable = Sendable(checkedBatch);
                totals.RowsRead += prepared.Count;
                totals.RejectedByClient += prepared.Count - sendable.Count;
                totals.RejectedByServer += platformRejections.Count;
                rejected.AddRange(Rejections(checkedBatch, sendable, platformRejections));
                var refused = platformRejections.Select(r => r.Position).ToHashSet();
                sample ??= sendable.Where((_, i) => !refused.Contains(i)).Select(p => p.Content).FirstOrDefault();
                progress.Advance(prepared.Count);
            }

            return true;
        });

        using var rejects = new RejectsFile(rejectsPath, append: false);
        rejects.DiscardPrevious();
        rejects.Write(rejected);
        ImportReport.Keys(run.Console, keys);
        ImportReport.DryRun(run.Console, totals, stopwatch.Elapsed, sample, rejected, rejects, notChecked is null ? null : NotCheckedWarning(notChecked, rowsChecked));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The connection a dry run asks the platform on, after the checks the import makes before it sends anything; or,
    /// when there is no session or no platform answering, why the platform's rules cannot be checked.
    /// </summary>
    private async Task<(PlatformConnection? Connection, string? NotChecked)> ConnectForDryRunAsync(ImportRequest request, string? serverOption, CancellationToken ct)
    {
        PlatformConnection? connection = null;
        try
        {
            connection = await PlatformConnection.OpenAsync(run, serverOption, ct);
            // Asked once, without the retries that carry an import's batches over a restart (half a minute in all): a
            // dry run loses nothing by checking on the client at once, and the user is not left waiting.
            await connection.Identity.ListAgenciesAsync(new ListAgenciesRequest(), cancellationToken: ct);
            await RequireKnownAgenciesAsync(connection, request.Marking, ct);
            await RequireOpenCasesAsync(connection, request.Marking, ct);
            return (connection, null);
        }
        catch (Exception e) when ((e is CliException or ServerUnreachableException or TokenRefusedException or RpcException) && !ct.IsCancellationRequested)
        {
            connection?.Dispose();
            return (null, e switch
            {
                RpcException rpc => NotCheckedReason(rpc, connection?.Server ?? run.Server ?? "the server"),
                TokenRefusedException => $"sign-in refused ({e.Message}); sign in again",
                _ => e.Message,
            });
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    private static string NotCheckedReason(RpcException e, string server) => e.StatusCode switch
    {
        StatusCode.Unimplemented => NoCheckContributions(server),
        StatusCode.Unavailable => ServerUnreachableException.Describe(server, e.Status.DebugException?.Message ?? e.Status.Detail),
        _ => $"{server} answered {e.StatusCode}: {e.Status.Detail}",
    };

    private static string NoCheckContributions(string server) => $"{server} does not offer RecordsService.CheckContributions (an older platform)";

    private static string NotCheckedWarning(string reason, long rowsChecked) =>
        (rowsChecked > 0 ? $"The platform's rules were checked for the first {rowsChecked:N0} rows only, the client's for every row: " : "The platform's rules were not checked, only the client's: ") +
        $"{reason.TrimEnd('.')}.{Environment.NewLine}Rows counted as would be sent may still be rejected by the import. " +
        "Sign in (`intelshare login --user <name>`, or --server for the platform you import to) and run the dry run again to check them.";

    private static List<PreparedRow> Sendable(IEnumerable<PreparedRow> prepared) => prepared.Where(p => p.Content is not null).ToList();

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
    private async Task<int> SendAsync(ImportRequest request, IRowReader reader, RowPreparer preparer, KeyUsage keys, string options, string? serverOption, CancellationToken ct)
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
                var refs = new SourceRefClaims();
                // Rows skipped on resuming are read and prepared all the same: their keys count for what the mapping leaves
                // behind, and their references are claimed as on the first run.
                foreach (var batch in reader.ReadRows().Select(keys.Observe).Select(preparer.Prepare).Select(refs.Claim).Skip(checked((int)resumedAt)).Chunk(request.BatchSize))
                {
                    var prepared = await rejectedRowCheck.CompleteAsync(batch, ct);
                    var sent = Sendable(prepared);
                    state.Sending = sent.Count > 0;
                    var response = sent.Count > 0
                        ? await sender.SendAsync(sent.Select(p => p.Content!).ToList(), ct)
                        : new ContributeStreamResponse();
                    rejects.Write(Rejections(prepared, sent, response.Rejections));
                    state.Acknowledge(prepared.Count, prepared.Count - sent.Count, response);
                    checkpoints.Save(state.ToCheckpoint());
                    state.Sending = false;
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
            // A token refused is refused before the batch is read; any other stop may come after the platform stored it.
            var inFlight = state.Sending && e is not RpcException { StatusCode: StatusCode.Unauthenticated }
                ? "The batch being sent when it stopped may have been stored too: resuming sends it again, and the platform counts the rows it already holds as duplicates. "
                : "";
            run.Console.Warning(
                $"The import stopped after {state.RowsAcknowledged:N0} of about {total:N0} rows were acknowledged; the server keeps those. {inFlight}" +
                "Re-run the same command to resume from there (--restart starts over).");
            return exitCode;
        }

        checkpoints.Delete();
        ImportReport.Keys(run.Console, keys);
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

    /// <param name="sent">The rows sent (or checked) in one call, of which the platform refused <paramref name="refused"/>.</param>
    private static IEnumerable<RejectedRow> Rejections(IReadOnlyList<PreparedRow> prepared, IReadOnlyList<PreparedRow> sent, IEnumerable<RejectedRecord> refused)
    {
        foreach (var row in prepared.Where(p => p.Content is null))
        {
            yield return new RejectedRow(row.Number, row.SourceRef, row.Problems);
        }

        foreach (var rejection in refused)
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

        /// <summary>A batch has been sent and not yet acknowledged and checkpointed.</summary>
        public bool Sending { get; set; }

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
