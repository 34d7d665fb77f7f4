using System.Globalization;
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

    /// <summary>
    /// The largest request the platform takes in one message unless its operator changed it (Grpc:MaxReceiveMessageSize
    /// in IntelShare.ServiceDefaults' GrpcDefaults). Each record travels as a message of its own.
    /// </summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    // Long enough for a large batch on a slow disk, short enough that a hung server does not hang the import.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(5);

    public Task<ContributeStreamResponse> SendAsync(IReadOnlyList<RecordContent> batch, CancellationToken ct) =>
        WithRetriesAsync("take the batch", () => StreamAsync(client.ContributeStream(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct), batch, ct), ct);

    /// <summary>What ContributeStream would reject of <paramref name="contents"/>, which are not stored (CheckContributions).</summary>
    public Task<CheckContributionsResponse> CheckAsync(IReadOnlyList<RecordContent> contents, CancellationToken ct) =>
        WithRetriesAsync("check the rejected rows", () => StreamAsync(client.CheckContributions(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct), contents, ct), ct);

    private async Task<TResponse> WithRetriesAsync<TResponse>(string what, Func<Task<TResponse>> call, CancellationToken ct)
    {
        var delay = firstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (!ct.IsCancellationRequested && IsTransient(e) && attempt < MaxAttempts)
            {
                onRetry($"The server did not {what} ({e.StatusCode}: {e.Status.Detail}); sending it again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {MaxAttempts}).");
                await Task.Delay(delay, ct);
                delay *= 2;
            }
        }
    }

    /// <summary>Sends each record as a message of its own on a client-streaming call, which it then disposes, and returns its response.</summary>
    private static async Task<TResponse> StreamAsync<TResponse>(
        AsyncClientStreamingCall<ContributeRequest, TResponse> call, IEnumerable<RecordContent> contents, CancellationToken ct)
    {
        using (call)
        {
            try
            {
                foreach (var content in contents)
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
    }


    /// <summary>
    /// Why <paramref name="content"/> cannot be sent, or null when it can. The server refuses a message over its limit by
    /// ending the whole call, so one such row would fail its batch every time it is sent: it is rejected here instead.
    /// </summary>
    public static FieldProblem? TooLarge(RecordContent content)
    {
        var size = new ContributeRequest { Content = content }.CalculateSize();
        return size <= MaxMessageBytes
            ? null
            : Problems.Of("", string.Create(CultureInfo.InvariantCulture, $"the record is {size:N0} bytes as sent, and the server accepts at most {MaxMessageBytes:N0} bytes (4 MiB) in one message"));
    }

    public static bool IsTransient(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.Aborted or StatusCode.DeadlineExceeded => true,
        // A message over a size limit is refused however often it is sent; an overloaded server may take it later.
        StatusCode.ResourceExhausted => !IsMessageTooLarge(e),
        // A server shutting down cancels the calls in flight; only our own cancellation (Ctrl+C) is final.
        StatusCode.Cancelled => true,
        // A connection torn down mid-stream (the server was killed) surfaces as an internal error from the transport.
        StatusCode.Internal => e.Status.DebugException is IOException or HttpRequestException,
        _ => false,
    };

    // gRPC names no code of its own for it: .NET says "exceeds the maximum configured message size", C core and Go "larger than max".
    private static bool IsMessageTooLarge(RpcException e) =>
        e.Status.Detail.Contains("maximum configured message size", StringComparison.OrdinalIgnoreCase)
        || e.Status.Detail.Contains("larger than max", StringComparison.OrdinalIgnoreCase);
}
