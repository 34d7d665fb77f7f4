using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Testing;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Identity, Access (with Audit) and Records each in a process of its own, as on Kubernetes: tokens are validated
/// against Identity's published keys, Records asks Access to decide and audit every read over gRPC, and Access asks
/// Records who holds a record someone requests.
/// </summary>
public sealed class SplitDeploymentTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Services_in_separate_processes_decide_audit_and_route_access_requests_over_grpc()
    {
        var (identityAddress, accessAddress, recordsAddress) = (HostProcess.FreeAddress(), HostProcess.FreeAddress(), HostProcess.FreeAddress());
        var issuer = new Dictionary<string, string> { ["Identity:Issuer"] = identityAddress.ToString() };
        var validated = new Dictionary<string, string>(issuer) { ["Identity:Authority"] = identityAddress.ToString() };
        await using var identity = await HostProcess.StartServiceAsync("IntelShare.Identity", Directory("identity"), identityAddress, issuer);
        await using var access = await HostProcess.StartServiceAsync(
            "IntelShare.Access", Directory("access"), accessAddress, new Dictionary<string, string>(validated) { ["Records:Address"] = recordsAddress.ToString() });
        await using var records = await HostProcess.StartServiceAsync(
            "IntelShare.Records", Directory("records"), recordsAddress, new Dictionary<string, string>(validated) { ["Access:Address"] = accessAddress.ToString() });

        async Task<Grpc.Net.Client.GrpcChannel> On(HostProcess service, string user) => service.Channel(await identity.SignInAsync(user));

        var contributed = await (await On(records, "contributor")).RecordsClient().ContributeAsync(new ContributeRequest
        {
            Content = TestRecords.Person(TestRecords.UniqueRef("split")),
        });
        var recordId = contributed.RecordId;

        // Same agency: permitted. Another agency without release: told only who holds it. Both decided by Access.
        var own = await (await On(records, "analyst")).RecordsClient().GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because("own agency") });
        var border = (await On(records, "border.analyst")).RecordsClient();
        var other = await border.GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because("border crossing") });
        var unjustified = await Assert.ThrowsAsync<RpcException>(() => border.GetAsync(new GetRecordRequest { RecordId = recordId }).ResponseAsync);

        // The border analyst asks for it at Access, which learns the holder from Records; POL-ATU's supervisor approves.
        var requester = new AccessService.AccessServiceClient(await On(access, "border.analyst"));
        var request = await requester.RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "the subject crossed at our border" });
        var unknown = await Assert.ThrowsAsync<RpcException>(() => requester.RequestAccessAsync(new RequestAccessRequest { RecordId = "no-such-record", Reason = "typo" }).ResponseAsync);
        var supervisor = new AccessService.AccessServiceClient(await On(access, "supervisor"));
        await supervisor.ApproveAccessRequestAsync(new ApproveAccessRequestRequest
        {
            RequestId = request.RequestId,
            ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
            Reason = "joint interest",
        });
        var granted = await border.GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because("granted") });

        // Oversight, at Access, sees the reads that Records served.
        var oversight = new OversightService.OversightServiceClient(await On(access, "oversight"));
        var accessed = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = recordId });

        Assert.Equal(Effect.Permit, own.Decision.Effect);
        Assert.Equal("Ivan", own.Record.Content.Person.Name.GivenName);
        Assert.Equal(Effect.ExistenceOnly, other.Decision.Effect);
        Assert.Null(other.Record);
        Assert.Equal("POL-ATU", other.Decision.HolderAgency);
        Assert.Equal(StatusCode.InvalidArgument, unjustified.StatusCode);
        Assert.Equal("POL-ATU", request.HolderAgency);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(Effect.Permit, granted.Decision.Effect);
        Assert.Contains(accessed.Entries, e => e.UserName == "analyst" && e.Effect == Effect.Permit);
        Assert.Contains(accessed.Entries, e => e.UserName == "border.analyst" && e.Effect == Effect.ExistenceOnly && e.Justification.Reason == "border crossing");
        Assert.Contains(accessed.Entries, e => e.UserName == "border.analyst" && e.Effect == Effect.Permit && e.Justification.Reason == "granted");
    }

    private string Directory(string service)
    {
        var path = Path.Combine(_data.Path, service);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
