using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using IntelShare.Testing;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>
/// gRPC calls made by hand over HTTP/2, so that a body can hold what no generated client would send: bytes that are
/// not a message of the method's request type, or a message cut short.
/// </summary>
public static class RawGrpc
{
    /// <summary>Not a message of any type: field number 0 is no field ("invalid tag (zero)").</summary>
    public static readonly byte[] NotAMessage = [0x00, 0x01, 0x02, 0xDE, 0xAD, 0xBE, 0xEF];

    /// <summary>Each message behind its 5-byte gRPC frame header (not compressed, big-endian length).</summary>
    public static byte[] Frames(params byte[][] messages)
    {
        var body = new byte[messages.Sum(m => 5 + m.Length)];
        var at = 0;
        foreach (var message in messages)
        {
            body[at] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(at + 1, 4), (uint)message.Length);
            message.CopyTo(body, at + 5);
            at += 5 + message.Length;
        }

        return body;
    }

    /// <summary>
    /// Posts the body to /{service}/{method} as a gRPC call and reads its answer. <see cref="RawGrpcAnswer.Error"/> is
    /// the gRPC status (with its trailers, so that BadRequest details can be read as from a client's RpcException), or
    /// null when the answer carried none, as a refusal by the HTTP layer (401) does not.
    /// </summary>
    public static Task<RawGrpcAnswer> CallAsync(this PlatformFactory factory, string path, string? accessToken, byte[] body) =>
        CallAsync(new HttpClient(factory.Server.CreateHandler()) { BaseAddress = factory.Server.BaseAddress }, path, accessToken, body);

    /// <summary>As <see cref="CallAsync(PlatformFactory, string, string?, byte[])"/>, to a service in a process of its own.</summary>
    public static Task<RawGrpcAnswer> CallAsync(this HostProcess service, string path, string? accessToken, byte[] body) =>
        CallAsync(new HttpClient { BaseAddress = service.Address }, path, accessToken, body);

    private static async Task<RawGrpcAnswer> CallAsync(HttpClient client, string path, string? accessToken, byte[] body)
    {
        using var http = client;
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await http.SendAsync(request);
        var responseBody = await response.Content.ReadAsByteArrayAsync();
        // A call refused at once ends in its headers ("trailers-only"); otherwise the status comes after the body.
        string? Read(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.First()
            : response.Headers.TryGetValues(name, out var leading) ? leading.First()
            : null;

        RpcException? error = null;
        if (Read("grpc-status") is { } code)
        {
            var trailers = new Metadata();
            if (Read("grpc-status-details-bin") is { } details)
            {
                trailers.Add("grpc-status-details-bin", Convert.FromBase64String(PadBase64(details)));
            }

            var message = Uri.UnescapeDataString(Read("grpc-message") ?? "");
            error = new RpcException(new Status((StatusCode)int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), message), trailers);
        }

        return new RawGrpcAnswer(response.StatusCode, error, responseBody.Length);
    }

    /// <summary>
    /// The answer to a body that did not parse as <paramref name="messageType"/>: INVALID_ARGUMENT naming
    /// <paramref name="field"/> (the request, or a stream's message by its position), as a gRPC status, not an HTTP error.
    /// </summary>
    public static void AssertRefusedAsMalformed(RawGrpcAnswer answer, string field, string messageType)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Http);
        Assert.NotNull(answer.Error);
        Assert.Equal(StatusCode.InvalidArgument, answer.Error.StatusCode);
        var violation = Assert.Single(answer.Error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal(field, violation.Field);
        Assert.Contains($"not a valid {messageType}", violation.Description);
        Assert.Contains(field, answer.Error.Status.Detail);
    }

    // gRPC sends binary headers as base64 with or without padding.
    private static string PadBase64(string text) => text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
}

/// <summary>A hand-made call's HTTP status, its gRPC status if it had one, and how many body bytes came with it.</summary>
public sealed record RawGrpcAnswer(HttpStatusCode Http, RpcException? Error, int BodyLength);
