using System.Net;
using Google.Protobuf;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using IntelShare.ServiceDefaults;

namespace IntelShare.Platform.Tests;

/// <summary>
/// A body that is not a message of the method's request type is parsed by gRPC before any interceptor or service sees
/// it: these calls are made by hand, as a broken or hostile client would send them.
/// </summary>
public sealed class MalformedMessageTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private const string Get = "/intelshare.v1.RecordsService/Get";
    private const string Contribute = "/intelshare.v1.RecordsService/Contribute";
    private const string ContributeStream = "/intelshare.v1.RecordsService/ContributeStream";
    private const string WatchHits = "/intelshare.v1.ResolutionService/WatchHits";

    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task A_unary_request_that_is_not_a_message_of_its_type_is_invalid_argument_naming_the_request_and_stores_nothing()
    {
        var token = await Factory.SignInAsync("contributor");
        var sourceRef = TestRecords.UniqueRef("truncated");
        var whole = new ContributeRequest { Content = TestRecords.Person(sourceRef) }.ToByteArray();

        var garbage = await Factory.CallAsync(Get, token, RawGrpc.Frames(RawGrpc.NotAMessage));
        var truncated = await Factory.CallAsync(Contribute, token, RawGrpc.Frames(whole[..^3]));
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sentWhole = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });

        RawGrpc.AssertRefusedAsMalformed(garbage, "request", "intelshare.v1.GetRecordRequest");
        RawGrpc.AssertRefusedAsMalformed(truncated, "request", "intelshare.v1.ContributeRequest");
        Assert.Equal(ContributeOutcome.Created, sentWhole.Outcome);
        AssertNoFailureLogged();
    }

    [Fact]
    public async Task A_streamed_message_that_is_not_a_message_of_its_type_is_invalid_argument_naming_its_position_and_stores_nothing()
    {
        var token = await Factory.SignInAsync("contributor");
        var sourceRef = TestRecords.UniqueRef("before-garbage");
        var first = new ContributeRequest { Content = TestRecords.Person(sourceRef) }.ToByteArray();

        var answer = await Factory.CallAsync(ContributeStream, token, RawGrpc.Frames(first, RawGrpc.NotAMessage));
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sentAlone = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });

        RawGrpc.AssertRefusedAsMalformed(answer, "request[1]", "intelshare.v1.ContributeRequest");
        Assert.Equal(ContributeOutcome.Created, sentAlone.Outcome);
        AssertNoFailureLogged();
    }

    [Fact]
    public async Task A_server_streaming_request_that_is_not_a_message_of_its_type_is_invalid_argument_naming_the_request()
    {
        var token = await Factory.SignInAsync("analyst");

        var answer = await Factory.CallAsync(WatchHits, token, RawGrpc.Frames(RawGrpc.NotAMessage));

        RawGrpc.AssertRefusedAsMalformed(answer, "request", "intelshare.v1.WatchHitsRequest");
        AssertNoFailureLogged();
    }

    [Fact]
    public async Task Without_a_valid_token_a_malformed_request_is_unauthenticated_and_learns_nothing_of_its_body()
    {
        foreach (var (path, token) in new[] { (Get, null), (ContributeStream, null), (Get, "not-a-token"), (ContributeStream, "not-a-token") })
        {
            var answer = await Factory.CallAsync(path, token, RawGrpc.Frames(RawGrpc.NotAMessage));

            // Refused before the call is served: UNAUTHENTICATED saying only what is wrong with the token, and no body
            // or detail that could say anything of what was sent.
            Assert.Equal(HttpStatusCode.OK, answer.Http);
            Assert.Equal(StatusCode.Unauthenticated, answer.Error?.StatusCode);
            Assert.Contains(answer.Error!.Status.Detail, new[] { GrpcChallenge.NoToken, GrpcChallenge.Invalid });
            Assert.DoesNotContain(answer.Error.Trailers, t => t.Key == "grpc-status-details-bin");
            Assert.Equal(0, answer.BodyLength);
        }
    }

    /// <summary>A refusal is logged in a line; an error, or a stack trace, is for the platform's own failures.</summary>
    private void AssertNoFailureLogged() =>
        Assert.Empty(platform.Logs.Entries
            .Where(entry => (entry.Level >= LogLevel.Error || entry.Exception?.ToString().Contains("   at ", StringComparison.Ordinal) == true)
                && (entry.Category.StartsWith("Grpc.", StringComparison.Ordinal) || entry.Message.Contains("intelshare.v1.", StringComparison.Ordinal)))
            .Select(entry => $"{entry.Exception?.GetType().Name} {entry.Exception?.Message} {entry.Level} {entry.Category}: {entry.Message}"));
}
