using Google.Protobuf;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>
/// A partner's client built from other protos (a newer release, a fork) sends fields this platform does not define.
/// Stored, they would pass unchecked and leave with every read, whatever caveat the marking puts on the record.
/// </summary>
public sealed class UnknownFieldIntakeTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    private const string Undefined = "victim's birthplace, in a field this contract lacks";

    /// <summary>The person as a client whose Person has a field 99 sends it.</summary>
    private static RecordContent WithUndefinedField(string sourceRef)
    {
        var content = TestRecords.Person(sourceRef);
        content.Marking.ReleasableTo.Add("BORDER");
        content.Marking.Caveats.Add("VICTIM_IDENTITY");
        var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        content.Person.WriteTo(output);
        output.WriteTag(99, WireFormat.WireType.LengthDelimited);
        output.WriteString(Undefined);
        output.Flush();
        content.Person = Person.Parser.ParseFrom(bytes.ToArray());
        return content;
    }

    [Fact]
    public async Task A_field_the_contract_does_not_define_is_refused_on_every_intake_path_and_nothing_is_stored()
    {
        var records = (await Factory.SystemChannelAsync("POL-ATU")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef("undefined");

        var single = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = WithUndefinedField(sourceRef) }).ResponseAsync);
        using var stream = records.ContributeStream();
        await stream.RequestStream.WriteAsync(new ContributeRequest { Content = WithUndefinedField(sourceRef) });
        await stream.RequestStream.CompleteAsync();
        var bulk = await stream;
        using var check = records.CheckContributions();
        await check.RequestStream.WriteAsync(new ContributeRequest { Content = WithUndefinedField(sourceRef) });
        await check.RequestStream.CompleteAsync();
        var checkedOnly = await check;

        Assert.Equal(StatusCode.InvalidArgument, single.StatusCode);
        Assert.Equal(["content.person"], single.ViolatedFields());
        Assert.Contains("99", single.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((0L, 1L), (bulk.Accepted, bulk.Rejected));
        Assert.Equal(["content.person"], bulk.Rejections.Single().Problems.Select(p => p.Field));
        Assert.Equal(["content.person"], checkedOnly.Rejections.Single().Problems.Select(p => p.Field));
        var clean = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        Assert.Equal(ContributeOutcome.Created, clean.Outcome);

        var amend = await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(new AmendRequest
        {
            RecordId = clean.RecordId, Content = WithUndefinedField(sourceRef), Reason = "add what the source now holds",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, amend.StatusCode);
        Assert.Equal(["content.person"], amend.ViolatedFields());

        var kept = await records.GetAsync(new GetRecordRequest { RecordId = clean.RecordId, Justification = TestRecords.Because() });
        Assert.Equal(1, kept.Record.Version);
    }
}
