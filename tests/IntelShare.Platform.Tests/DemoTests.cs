using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

public sealed partial class DemoTests(PlatformFixture platform) : IClassFixture<PlatformFixture>, IDisposable
{
    private const string CaseRef = "OP-NISTRU";

    private static readonly string[] Contributors = ["POL-ATU", "BORDER", "LABOUR", "FIU", "NGO-SHELTER"];

    private readonly TemporaryDirectory _work = new();

    private PlatformFactory Factory => platform.Factory;

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Demo_imports_every_agency_once_opens_a_compromised_case_and_oversight_finds_the_leak()
    {
        var cli = new CliRunner(Factory, Path.Combine(_work.Path, "home"));

        Assert.True(await cli.Run("demo", "--scale", "0.05") == 0, cli.Output);
        var firstOutput = cli.Output;
        var created = await Changes();
        var reported = long.Parse(CreatedLine().Match(firstOutput).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(created.Count, reported);
        foreach (var agency in Contributors)
        {
            // The named cast of every agency, and its share of the 100 background records.
            Assert.Contains(created, change => change.OriginatorAgency == agency && change.Record.Content.SourceRef.StartsWith("NISTRU-", StringComparison.Ordinal));
            Assert.Contains(created, change => change.OriginatorAgency == agency && change.Record.Content.SourceRef.StartsWith("BG", StringComparison.Ordinal));
        }

        Assert.Equal(100, created.Count(change => change.Record.Content.SourceRef.StartsWith("BG", StringComparison.Ordinal)));
        Assert.Contains("intelshare login --user oversight", firstOutput);
        // Piped output is laid out unwrapped; the tour's heading is not drawn across all of it.
        Assert.DoesNotContain(new string('─', 300), firstOutput);
        var supervisor = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("supervisor"));
        var firstRaid = (await supervisor.GetCaseAsync(new GetCaseRequest { CaseRef = CaseRef })).CompromisedAt;

        Assert.Equal(0, await cli.Run("demo", "--scale", "0.05"));
        Assert.Contains($"All {created.Count:N0} records were already on the platform (duplicates); nothing was written", cli.Output[firstOutput.Length..]);
        Assert.Equal(created.Count, (await Changes()).Count);

        var operation = await supervisor.GetCaseAsync(new GetCaseRequest { CaseRef = CaseRef });
        Assert.NotNull(operation.CompromisedAt);
        // The operation is not played again: the raid keeps its time.
        Assert.Equal(firstRaid, operation.CompromisedAt);
        Assert.Contains("nothing replayed", cli.Output[firstOutput.Length..]);
        Assert.Contains(operation.Members, member => member.Agency == "BORDER");

        var borderChannel = await Factory.ChannelForAsync("border.analyst");
        var border = borderChannel.RecordsClient();
        var policeVictim = created.Single(change => change.OriginatorAgency == "POL-ATU" && IsVictim(change) && change.Record.Content.Marking.CaseRefs.Contains(CaseRef));
        var redacted = await border.GetAsync(new GetRecordRequest { RecordId = policeVictim.RecordId, Justification = TestRecords.Because("identifying passengers", CaseRef) });
        Assert.Equal(Effect.PermitRedacted, redacted.Decision.Effect);
        Assert.Null(redacted.Record.Content.Person.Name);
        Assert.Empty(redacted.Record.Content.Person.Documents);

        var shelterChild = created.Single(change => change.OriginatorAgency == "NGO-SHELTER" && change.Record.Content.Marking.Caveats.Contains("CHILD")
            && change.Record.Content.SourceRef.StartsWith("NISTRU-", StringComparison.Ordinal));
        var hidden = await Assert.ThrowsAsync<RpcException>(() =>
            border.GetAsync(new GetRecordRequest { RecordId = shelterChild.RecordId, Justification = TestRecords.Because("curious") }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);

        var labour = (await Factory.ChannelForAsync("labour.inspector")).RecordsClient();
        var controller = created.Single(change => change.Record.Content.SourceRef == "NISTRU-POL-P-001");
        var existence = await labour.GetAsync(new GetRecordRequest { RecordId = controller.RecordId, Justification = TestRecords.Because("car wash director") });
        Assert.Equal(Effect.ExistenceOnly, existence.Decision.Effect);
        Assert.Equal("POL-ATU", existence.Decision.HolderAgency);
        Assert.Null(existence.Record);

        var corruptUserId = (await new IdentityService.IdentityServiceClient(borderChannel).WhoAmIAsync(new WhoAmIRequest())).UserId;
        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        var report = await oversight.AnomaliesAsync(new PeriodRequest
        {
            From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(1)),
        });
        var leak = Assert.Single(report.Anomalies, anomaly => anomaly.Kind == AnomalyKind.LookupBeforeCompromise);
        Assert.Equal(corruptUserId, leak.UserId);
        Assert.Equal("BORDER", leak.Agency);
        Assert.Contains(CaseRef, leak.Description);

        await EveryTourCommandRuns(firstOutput);
    }

    /// <summary>
    /// Runs each command the guided tour prints, as the user it is printed for: none may be refused as a usage error
    /// (a missing --reason, an unknown option), whatever the platform answers it.
    /// </summary>
    private async Task EveryTourCommandRuns(string output)
    {
        CliRunner? user = null;
        var commands = output.Split('\n').Select(line => line.TrimEnd()).Where(line => line.StartsWith("  intelshare ", StringComparison.Ordinal));
        foreach (var command in commands)
        {
            var args = TourArgument().Matches(command).Select(match => match.Value.Trim('"')).Skip(1).ToArray();
            if (args is ["login", "--user", var name])
            {
                user = new CliRunner(Factory, Path.Combine(_work.Path, "tour-" + name), _work.Path);
                Assert.Equal(0, await user.Run([.. args, "--password", PlatformFactory.DemoPassword]));
                continue;
            }

            Assert.NotNull(user);
            var before = user.Output.Length;
            var exit = await user.Run(args);
            Assert.True(exit != 2, $"'{command}' was refused as a usage error:\n{user.Output[before..]}");
        }
    }

    [GeneratedRegex("\"[^\"]*\"|\\S+")]
    private static partial Regex TourArgument();

    private static bool IsVictim(ChangeEvent change) =>
        change.Record.Content.Person is { } person && person.Roles.Contains("victim") && change.Record.Content.Marking.Caveats.Contains("VICTIM_IDENTITY");

    private async Task<List<ChangeEvent>> Changes()
    {
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        using var call = changeLog.ReadChanges(new ReadChangesRequest());
        var changes = new List<ChangeEvent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            changes.Add(call.ResponseStream.Current);
        }

        return changes;
    }

    [GeneratedRegex(@"([\d,]+) records created")]
    private static partial Regex CreatedLine();
}
