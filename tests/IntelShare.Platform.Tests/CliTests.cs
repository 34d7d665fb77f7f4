using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Testing;

namespace IntelShare.Platform.Tests;

public sealed class CliTests(PlatformFixture platform) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly TemporaryDirectory _work = new();

    private PlatformFactory Factory => platform.Factory;

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Import_of_the_febrl_file_then_get_amend_and_history_work_and_another_agency_cannot_read()
    {
        var source = Path.Combine(HostProcess.RepositoryRoot(), "..", "shared", "data", "febrl", "dataset2.csv");
        var file = Path.Combine(_work.Path, "dataset2.csv");
        File.Copy(source, file);
        var rows = File.ReadLines(file).Count() - 1;
        var contributor = NewCli("contributor-home");
        var before = await CreatedSourceRefs();

        Assert.Equal(0, await contributor.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));
        Assert.Equal(0, await contributor.Run("import", file, "--type", "person", "--source-ref-column", "rec_id", "--case", "OP-FEBRL"));

        var created = (await CreatedSourceRefs()).Except(before).ToList();
        var rejects = Path.Combine(_work.Path, "dataset2.csv.rejects.csv");
        var rejected = File.Exists(rejects) ? File.ReadLines(rejects).Skip(1).Count(line => line.Length > 0) : 0;
        Assert.True(created.Count > rows * 9 / 10, $"Only {created.Count} of {rows} rows were imported.\n{contributor.Output}");
        Assert.Equal(rows, created.Count + rejected);
        Assert.Contains("rec-", created[0]);

        var recordId = await RecordIdOf(created[0]);
        Assert.Equal(0, await contributor.Run("get", recordId, "--reason", "check the import"));
        Assert.Contains(recordId, contributor.Output);
        Assert.Equal(0, await contributor.Run("amend", recordId, "--set", "person.name.family_name=Amended-By-Cli", "--reason", "spelling"));
        Assert.Equal(0, await contributor.Run("history", recordId, "--reason", "review"));
        Assert.Contains($"History of {recordId}", contributor.Output);
        var history = await (await Factory.ChannelForAsync("contributor")).RecordsClient()
            .HistoryAsync(new HistoryRequest { RecordId = recordId, Justification = TestRecords.Because() });
        Assert.Equal(2, history.Versions.Count);
        Assert.Equal("Amended-By-Cli", history.Versions[1].Content.Person.Name.FamilyName);

        var border = NewCli("border-home");
        Assert.Equal(0, await border.Run("login", "--user", "border.analyst", "--password", PlatformFactory.DemoPassword));
        await border.Run("get", recordId, "--reason", "curious");
        Assert.DoesNotContain("Amended-By-Cli", border.Output);
    }

    [Fact]
    public async Task Interrupted_import_resumes_from_its_checkpoint_without_duplicates()
    {
        const int rows = 3_000;
        var file = Path.Combine(_work.Path, "people.csv");
        var prefix = TestRecords.UniqueRef("cli");
        await File.WriteAllLinesAsync(file, new[] { "ref,given_name,surname,date_of_birth" }
            .Concat(Enumerable.Range(0, rows).Select(i => $"{prefix}-{i},Given{i},Family{i % 97},19{50 + i % 40}0{1 + i % 9}1{i % 9}")));
        var cli = NewCli("resume-home");
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));

        using (var interrupt = new CancellationTokenSource())
        {
            var checkpoints = Path.Combine(_work.Path, "resume-home", "imports");
            var first = cli.Run(interrupt.Token, "import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "200");
            while (!first.IsCompleted && !(Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints).Any()))
            {
                await Task.Delay(5);
            }

            interrupt.Cancel();
            await first;
        }

        var afterInterruption = (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "200"));
        var refs = (await CreatedSourceRefs()).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        Assert.True(afterInterruption < rows, "The import finished before it was interrupted: nothing was tested.");
        Assert.Equal(rows, refs.Count);
        Assert.Equal(rows, refs.Distinct().Count());
    }

    private async Task<List<string>> CreatedSourceRefs()
    {
        var admin = (await Factory.ChannelForAsync("admin")).RecordsClient();
        using var call = admin.ReadChanges(new ReadChangesRequest());
        var refs = new List<string>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Kind == ChangeKind.RecordCreated)
            {
                refs.Add(call.ResponseStream.Current.Record.Content.SourceRef);
            }
        }

        return refs;
    }

    private async Task<string> RecordIdOf(string sourceRef)
    {
        var admin = (await Factory.ChannelForAsync("admin")).RecordsClient();
        using var call = admin.ReadChanges(new ReadChangesRequest());
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Record.Content.SourceRef == sourceRef)
            {
                return call.ResponseStream.Current.RecordId;
            }
        }

        throw new InvalidOperationException($"No record with source reference {sourceRef}.");
    }

    private CliRunner NewCli(string home) => new(Factory, Path.Combine(_work.Path, home));
}
