using Grpc.Core;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>
/// Sends one batch as one ContributeStream call; the call's response is the acknowledgement.
/// A batch the server did not take for a passing reason (it is restarting, overloaded) is sent
/// again after a growing pause: the server treats a record it already holds as a duplicate, so
/// sending twice never stores twice.
/// </summary>
internal sealed class BatchSender(RecordsService.RecordsServiceClient client, TimeSpan firstRetryDelay, Action<string> onRetry)
{
    public const int MaxAttempts = 6;

    // Long enough for a large batch on a slow disk, short enough that a hung server does not hang the import.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(5);

    public async Task<ContributeStreamResponse> SendAsync(IReadOnlyList<RecordContent> batch, CancellationToken ct)
    {
        var delay = firstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(batch, ct);
            }
            catch (RpcException e) when (!ct.IsCancellationRequested && IsTransient(e) && attempt < MaxAttempts)
            {
                onRetry($"The server did not take the batch ({e.StatusCode}: {e.Status.Detail}); sending it again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {MaxAttempts}).");
                await Task.Delay(delay, ct);
                delay *= 2;
            }
        }
    }

    private async Task<ContributeStreamResponse> SendOnceAsync(IReadOnlyList<RecordContent> batch, CancellationToken ct)
    {
        using var call = client.ContributeStream(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);
        try
        {
            foreach (var content in batch)
            {
                await call.RequestStream.WriteAsync(new ContributeRequest { Content = content }, ct);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when ((e is RpcException or InvalidOperationException or IOException) && !ct.IsCancellationRequested)
        {
            // The call ended while we were still writing; its status, awaited below, says why.
        }

        return await call.ResponseAsync;
    }

    public static bool IsTransient(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.DeadlineExceeded => true,
        // A server shutting down cancels the calls in flight; only our own cancellation (Ctrl+C) is final.
        StatusCode.Cancelled => true,
        // A connection torn down mid-stream (the server was killed) surfaces as an internal error from the transport.
        StatusCode.Internal => e.Status.DebugException is IOException or HttpRequestException,
        _ => false,
    };
}
