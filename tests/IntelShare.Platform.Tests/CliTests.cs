using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
        // Records are filed only under a case open to the agency: refused before anything is sent, then opened.
        Assert.Equal(2, await contributor.Run("import", file, "--type", "person", "--source-ref-column", "rec_id", "--case", "OP-FEBRL"));
        Assert.Contains("--case OP-FEBRL: no such case open to your agency", contributor.Output);
        Assert.Empty((await CreatedSourceRefs()).Except(before));
        await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst")).CreateCaseAsync(new CreateCaseRequest { CaseRef = "OP-FEBRL", Title = "Febrl import" });
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
        var beforeHistory = contributor.Output.Length;
        Assert.Equal(0, await contributor.Run("history", recordId, "--reason", "review"));
        Assert.Contains($"History of {recordId}", contributor.Output);
        Assert.Contains(": spelling", contributor.Output[beforeHistory..]);
        var history = await (await Factory.ChannelForAsync("contributor")).RecordsClient()
            .HistoryAsync(new HistoryRequest { RecordId = recordId, Justification = TestRecords.Because() });
        Assert.Equal(2, history.Versions.Count);
        Assert.Equal("Amended-By-Cli", history.Versions[1].Content.Person.Name.FamilyName);
        Assert.Equal("spelling", history.Versions[1].AmendmentReason);

        var border = NewCli("border-home");
        Assert.Equal(0, await border.Run("login", "--user", "border.analyst", "--password", PlatformFactory.DemoPassword));
        // Existence only: who holds it and how to ask, and an exit code a script can tell from a record it read.
        Assert.Equal(3, await border.Run("get", recordId, "--reason", "curious"));
        Assert.Contains($"Record {recordId} exists and is held by", border.Output);
        Assert.Equal(3, await border.Run("get", recordId, "--reason", "curious", "--json"));
        Assert.Equal(3, await border.Run("history", recordId, "--reason", "curious"));
        Assert.DoesNotContain("Amended-By-Cli", border.Output);
        Assert.Equal(1, await border.Run("amend", recordId, "--set", "person.name.family_name=Border-Says", "--reason", "mine now"));
        Assert.Contains("only the agency that contributed a record amends it", border.Output);

        // A reader without the caveat's entitlement sees that a version changed what it may not see, not that nothing changed.
        var victim = TestRecords.Person(TestRecords.UniqueRef("cli-victim"));
        victim.Marking.ReleasableTo.Add("BORDER");
        victim.Marking.Caveats.Add("VICTIM_IDENTITY");
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var victimId = (await police.ContributeAsync(new ContributeRequest { Content = victim })).RecordId;
        var renamed = victim.Clone();
        renamed.Person.Name.FamilyName = "Renamed";
        await police.AmendAsync(new AmendRequest { RecordId = victimId, Content = renamed });
        var beforeBorderHistory = border.Output.Length;
        Assert.Equal(0, await border.Run("history", victimId, "--reason", "joint interest"));
        Assert.Contains("changed only fields withheld from you", border.Output[beforeBorderHistory..]);
    }

    [Fact]
    public async Task Amend_takes_agency_codes_in_any_letter_case_as_import_does()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var recordId = (await police.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("cli-release")) })).RecordId;
        var cli = NewCli("release-home");
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));

        Assert.Equal(0, await cli.Run("amend", recordId, "--set", "marking.releasable_to=border", "--reason", "share with the border guard"));

        var current = await police.GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because() });
        Assert.Equal(["BORDER"], current.Record.Content.Marking.ReleasableTo);
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

        await RunUntilFirstCheckpoint(cli, "resume-home", "import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "200");

        var afterInterruption = (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "200"));
        var refs = (await CreatedSourceRefs()).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        Assert.True(afterInterruption < rows, "The import finished before it was interrupted: nothing was tested.");
        Assert.Equal(rows, refs.Count);
        Assert.Equal(rows, refs.Distinct().Count());
    }

    [Fact]
    public async Task An_import_stopped_while_a_batch_is_sent_says_the_platform_may_hold_it_and_resuming_counts_it_as_duplicates()
    {
        const int rows = 1_000;
        var file = Path.Combine(_work.Path, "in-flight.csv");
        var prefix = TestRecords.UniqueRef("in-flight");
        await File.WriteAllLinesAsync(file, new[] { "ref,given_name,surname" }
            .Concat(Enumerable.Range(0, rows).Select(i => $"{prefix}-{i},Given{i},Family{i % 97}")));
        var home = Path.Combine(_work.Path, "in-flight-home");
        Assert.Equal(0, await new CliRunner(Factory, home).Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));
        using var interrupt = new CancellationTokenSource();
        // Stopped as the second batch goes out: the first is acknowledged, the second may or may not be stored.
        var stopping = new CliRunner(Factory, home, transport: new CancelOnCall(Factory.Server.CreateHandler(), "/ContributeStream", 2, interrupt));
        string[] import = ["import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "200"];

        Assert.Equal(1, await stopping.Run(interrupt.Token, import));
        var resumed = new CliRunner(Factory, home);
        Assert.Equal(0, await resumed.Run(import));

        Assert.Contains("The import stopped after 200 of about 1,000 rows were acknowledged", stopping.Output);
        Assert.Contains("The batch being sent when it stopped may have been stored too: resuming sends it again, and the platform counts the rows it already holds as duplicates.", stopping.Output);
        var refs = (await CreatedSourceRefs()).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(rows, refs.Distinct().Count());
        Assert.Equal(rows, refs.Count);
    }

    /// <summary>Cancels <paramref name="interrupt"/> as the <paramref name="nth"/> call to <paramref name="method"/> starts, then lets it go on.</summary>
    private sealed class CancelOnCall(HttpMessageHandler inner, string method, int nth, CancellationTokenSource interrupt) : DelegatingHandler(inner)
    {
        private int _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith(method, StringComparison.Ordinal) && Interlocked.Increment(ref _calls) == nth)
            {
                interrupt.Cancel();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task A_row_with_a_reference_an_earlier_row_has_is_rejected_on_every_run_and_re_importing_the_file_adds_no_version()
    {
        const int rows = 2_000;
        var file = Path.Combine(Directory.CreateDirectory(Path.Combine(_work.Path, "same-ref")).FullName, "people.csv");
        var prefix = TestRecords.UniqueRef("same-ref");
        await File.WriteAllLinesAsync(file, new[] { "ref,given_name,surname,date_of_birth" }
            .Concat(Enumerable.Range(0, rows).Select(i => $"{prefix}-{i},Given{i},Family{i % 97},1970-01-0{1 + i % 9}"))
            .Append($"{prefix}-0,Other,Person,1980-02-02"));
        string[] import = ["import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "100"];
        var cli = await SignedInCli("same-ref-home");

        Assert.Equal(0, await cli.Run([.. import, "--dry-run"]));
        Assert.Equal([$"{prefix}-0"], RejectedRefs(file + ".dry-run.rejects.csv"));
        // Resumed after the first rows, the import still knows they have the reference.
        await RunUntilFirstCheckpoint(cli, "same-ref-home", import);
        Assert.Equal(0, await cli.Run(import));
        Assert.Contains("Resuming", cli.Output);
        Assert.Equal([$"{prefix}-0"], RejectedRefs(file + ".rejects.csv"));
        Assert.Contains($"'{prefix}-0' is also the reference of row", File.ReadAllText(file + ".rejects.csv"));
        Assert.Equal(0, await cli.Run(import));

        var changes = await ChangesOf($"{prefix}-0");
        Assert.Equal([ChangeKind.RecordCreated], changes.Select(c => c.Kind));
        Assert.Equal("Given0", changes[0].Record.Content.Person.Name.GivenName);
    }

    [Fact]
    public async Task A_graph_depth_outside_1_to_4_is_a_usage_error_not_the_default_depth()
    {
        var cli = NewCli("graph-depth-home");
        foreach (var depth in new[] { "0", "5", "-1" })
        {
            var before = cli.Output.Length;
            Assert.Equal(2, await cli.Run("graph", "neighbours", "ent-anyone", "--depth", depth, "--reason", "checking"));
            Assert.Contains("--depth must be between 1 and 4", cli.Output[before..]);
        }
    }

    [Fact]
    public async Task A_first_import_with_restart_and_one_of_a_file_with_only_a_header_end_normally_in_a_home_that_never_imported()
    {
        var (file, prefix) = await WritePeopleWithBadDates("first-import", rows: 10);
        var headerOnly = Path.Combine(_work.Path, "first-import", "header-only.csv");
        await File.WriteAllLinesAsync(headerOnly, ["ref,given_name,surname,date_of_birth"]);

        var restarted = await SignedInCli("first-import-restart-home");
        Assert.Equal(0, await restarted.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--restart"));
        Assert.DoesNotContain("Could not find a part of the path", restarted.Output);
        Assert.Equal(10 - BadDateRefs(prefix, 10).Count, (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal)));

        var empty = await SignedInCli("first-import-header-only-home");
        Assert.Equal(0, await empty.Run("import", headerOnly, "--type", "person", "--source-ref-column", "ref"));
        Assert.DoesNotContain("Could not find a part of the path", empty.Output);
        Assert.Contains("Rows read", empty.Output);
    }

    [Fact]
    public async Task Import_of_a_file_whose_directory_cannot_be_written_puts_the_rejects_in_the_current_directory()
    {
        var (file, prefix) = await WritePeopleWithBadDates("read-only-input", rows: 40);
        // What a read-only directory does to a normal user; root, who runs CI, ignores permissions but not this.
        Directory.CreateDirectory(file + ".rejects.csv");
        var here = Directory.CreateDirectory(Path.Combine(_work.Path, "here")).FullName;
        var cli = new CliRunner(Factory, Path.Combine(_work.Path, "read-only-home"), here);
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));

        var rejects = Path.Combine(here, "people.csv.rejects.csv");
        Assert.Equal(BadDateRefs(prefix, 40), File.ReadLines(rejects).Skip(1).Select(line => line.Split(',')[1]));
        Assert.Contains("rejects.csv", cli.Output);
        Assert.Equal(40 - BadDateRefs(prefix, 40).Count, (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Import_from_a_directory_no_one_may_write_to_puts_the_rejects_in_the_current_directory_even_for_root()
    {
        var (file, prefix) = await WritePeopleWithBadDates("mode-read-only", rows: 20);
        var directory = Path.GetDirectoryName(file)!;
        var here = Directory.CreateDirectory(Path.Combine(_work.Path, "here-by-mode")).FullName;
        var cli = new CliRunner(Factory, Path.Combine(_work.Path, "mode-home"), here);
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));
        }
        finally
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.UserWrite);
        }

        Assert.False(File.Exists(file + ".rejects.csv"));
        Assert.Equal(BadDateRefs(prefix, 20), File.ReadLines(Path.Combine(here, "people.csv.rejects.csv")).Skip(1).Select(line => line.Split(',')[1]));
    }

    [Fact]
    public async Task Import_with_an_unknown_caveat_or_agency_stops_before_sending_and_one_of_which_nothing_was_taken_fails()
    {
        var (file, prefix) = await WritePeopleWithBadDates("bad-flags", rows: 10);
        var cli = NewCli("bad-flags-home");
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));

        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--caveat", "FOO"));
        Assert.Contains("--caveat FOO is not a caveat", cli.Output);
        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--releasable-to", "BORDER,NOPE"));
        Assert.Contains("--releasable-to NOPE: no such agency", cli.Output);
        Assert.DoesNotContain((await CreatedSourceRefs()), r => r.StartsWith(prefix, StringComparison.Ordinal));

        var allBad = Path.Combine(_work.Path, "bad-flags", "all-bad.csv");
        await File.WriteAllLinesAsync(allBad, ["ref,given_name,surname,date_of_birth", $"{prefix}-x,Ana,Rusu,19901345", $"{prefix}-y,Ion,Rusu,not a date"]);
        Assert.Equal(1, await cli.Run("import", allBad, "--type", "person", "--source-ref-column", "ref"));
        Assert.Contains("No row was imported", cli.Output);
    }

    [Fact]
    public async Task Import_whose_rejects_file_cannot_be_written_sends_nothing_and_says_so()
    {
        var (file, prefix) = await WritePeopleWithBadDates("unwritable-rejects", rows: 20);
        var cli = NewCli("unwritable-home");
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));
        var nowhere = Path.Combine(_work.Path, "no-such-directory", "rejects.csv");

        Assert.NotEqual(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--rejects", nowhere));

        Assert.Contains($"Cannot write the rejects file {nowhere}", cli.Output);
        Assert.DoesNotContain("Unexpected error", cli.Output);
        Assert.DoesNotContain(await CreatedSourceRefs(), r => r.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_resumed_import_appends_to_the_rejects_file_it_started_from_wherever_it_is_run()
    {
        const int rows = 2_000;
        var (file, prefix) = await WritePeopleWithBadDates("resumed-rejects", rows);
        Directory.CreateDirectory(file + ".rejects.csv");
        var first = Directory.CreateDirectory(Path.Combine(_work.Path, "first-cwd")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(_work.Path, "second-cwd")).FullName;
        var home = "resumed-rejects-home";
        var cli = new CliRunner(Factory, Path.Combine(_work.Path, home), first);
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));

        await RunUntilFirstCheckpoint(cli, home, "import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "100");
        var resumed = new CliRunner(Factory, Path.Combine(_work.Path, home), second);
        Assert.Equal(0, await resumed.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "100"));

        Assert.Contains("Resuming", resumed.Output);
        Assert.False(File.Exists(Path.Combine(second, "people.csv.rejects.csv")), "The resumed import started a second rejects file.");
        Assert.Equal(BadDateRefs(prefix, rows), File.ReadLines(Path.Combine(first, "people.csv.rejects.csv")).Skip(1).Select(line => line.Split(',')[1]));
    }

    [Fact]
    public async Task A_csv_row_with_more_or_fewer_fields_than_the_header_is_rejected_instead_of_read_into_the_wrong_columns()
    {
        var prefix = TestRecords.UniqueRef("fields");
        var file = Path.Combine(_work.Path, "fields.csv");
        // A trailing comma and a blank last line shift no value, so they are no reason to reject.
        await File.WriteAllTextAsync(file, string.Join("\n",
            "ref,family_name,given_name,city",
            $"{prefix}-1,Smith,Ann,York",
            $"{prefix}-2,Smith, Jr,Sean,Leeds",
            $"{prefix}-3,\"Smith, Jr\",Sean,Leeds",
            $"{prefix}-4,Short,Row",
            $"{prefix}-5,Jones,Tom,Hull,",
            "",
            ""));
        var cli = await SignedInCli("fields-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));

        Assert.Collection(
            File.ReadLines(file + ".rejects.csv").Skip(1),
            line => Assert.Contains("has 5 fields, the header has 4: a value with a comma must be quoted", line),
            line => Assert.Contains("has 3 fields, the header has 4", line));
        var created = await CreatedBySourceRef(prefix);
        Assert.Equal([$"{prefix}-1", $"{prefix}-3", $"{prefix}-5"], created.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Smith, Jr", "Sean", "Leeds"), (created[$"{prefix}-3"].Person.Name.FamilyName, created[$"{prefix}-3"].Person.Name.GivenName, created[$"{prefix}-3"].Person.Addresses[0].City));
    }

    [Fact]
    public async Task A_csv_whose_header_names_a_column_twice_is_refused_before_sending_naming_every_repeated_column()
    {
        var prefix = TestRecords.UniqueRef("cli-repeated-column");
        var file = Path.Combine(_work.Path, "repeated-columns.csv");
        // "Phone" and "phone" are one column once names are compared the way people write them.
        await File.WriteAllLinesAsync(file, ["ref,given_name,given_name,surname,Phone,phone", $"{prefix}-1,Ana,Maria,Rusu,+40 721 000 001,+40 721 000 002"]);
        var cli = await SignedInCli("repeated-column-home");

        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));
        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--dry-run"));

        Assert.Contains("'given_name' is columns 2 ('given_name') and 3 ('given_name')", cli.Output);
        Assert.Contains("'phone' is columns 5 ('Phone') and 6 ('phone')", cli.Output);
        Assert.DoesNotContain(await CreatedSourceRefs(), r => r.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_source_reference_a_csv_import_stops_before_sending_and_json_lines_rows_are_rejected_on_the_client()
    {
        var cli = await SignedInCli("no-ref-home");
        var csv = Path.Combine(_work.Path, "no-ref.csv");
        await File.WriteAllLinesAsync(csv, ["given_name,surname,city", "Ana,Rusu,Iasi"]);

        Assert.Equal(2, await cli.Run("import", csv, "--type", "person"));
        Assert.Contains("--source-ref-column <column>", cli.Output);
        Assert.Contains("given_name, surname, city", cli.Output);
        Assert.False(File.Exists(csv + ".rejects.csv"), "Rows were sent and refused.");

        var prefix = TestRecords.UniqueRef("jsonl-ref");
        var jsonl = Path.Combine(_work.Path, "no-ref.jsonl");
        await File.WriteAllLinesAsync(jsonl, [
            $$"""{"ref": "{{prefix}}-1", "given_name": "Ana", "surname": "Rusu"}""",
            """{"given_name": "Ion", "surname": "Rusu"}""",
            """{"source_ref": " ", "person": {"name": {"given_name": "Eva", "family_name": "Rusu"}}}""",
        ]);
        var beforeDryRun = cli.Output.Length;
        Assert.Equal(0, await cli.Run("import", jsonl, "--type", "person", "--dry-run"));
        Assert.Equal(2, cli.Output[beforeDryRun..].Split('\n').Count(line => line.Contains("source_ref: is required")));

        Assert.Equal(0, await cli.Run("import", jsonl, "--type", "person"));
        Assert.Equal(["2", "3"], File.ReadLines(jsonl + ".rejects.csv").Skip(1).Where(line => line.Contains("source_ref: is required")).Select(line => line.Split(',')[0]));
        Assert.Contains($"{prefix}-1", await CreatedSourceRefs());
    }

    [Fact]
    public async Task A_dry_run_writes_its_own_rejects_file_and_leaves_that_of_an_interrupted_import_to_resume()
    {
        const int rows = 2_000;
        var (file, prefix) = await WritePeopleWithBadDates("dry-run-rejects", rows);
        var cli = await SignedInCli("dry-run-rejects-home");
        string[] import = ["import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "100"];
        await RunUntilFirstCheckpoint(cli, "dry-run-rejects-home", import);
        var rejects = file + ".rejects.csv";
        var interrupted = await File.ReadAllTextAsync(rejects);

        Assert.Equal(0, await cli.Run([.. import, "--dry-run"]));
        Assert.Equal(interrupted, await File.ReadAllTextAsync(rejects));
        Assert.Equal(BadDateRefs(prefix, rows), RejectedRefs(file + ".dry-run.rejects.csv"));
        Assert.Contains(file + ".dry-run.rejects.csv", cli.Output);
        // Named explicitly, the interrupted import's file is still not the dry run's to replace, nor another import's.
        Assert.Equal(2, await cli.Run([.. import, "--dry-run", "--rejects", rejects]));
        Assert.Contains($"holds the rejected rows of an interrupted import of {file}", cli.Output);
        var other = Path.Combine(_work.Path, "other.csv");
        await File.WriteAllLinesAsync(other, ["ref,given_name,surname", $"{prefix}-other,Ana,Rusu"]);
        Assert.Equal(2, await cli.Run("import", other, "--type", "person", "--source-ref-column", "ref", "--rejects", rejects));
        Assert.Equal(interrupted, await File.ReadAllTextAsync(rejects));
        Assert.DoesNotContain($"{prefix}-other", await CreatedSourceRefs());

        Assert.Equal(0, await cli.Run(import));
        Assert.Contains("Resuming", cli.Output);
        Assert.Equal(BadDateRefs(prefix, rows), RejectedRefs(rejects));
    }

    [Fact]
    public async Task An_interrupted_import_of_a_file_changed_since_holds_nothing_back_and_the_changed_file_is_imported_whole()
    {
        const int rows = 2_000;
        var (file, prefix) = await WritePeopleWithBadDates("changed-since", rows);
        var cli = await SignedInCli("changed-since-home");
        string[] import = ["import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "100"];
        await RunUntilFirstCheckpoint(cli, "changed-since-home", import);
        // Edited after the interruption (a bad row fixed, say): the checkpoint no longer matches the file.
        File.SetLastWriteTimeUtc(file, File.GetLastWriteTimeUtc(file).AddMinutes(1));

        Assert.Equal(0, await cli.Run([.. import, "--dry-run", "--rejects", file + ".rejects.csv"]));
        Assert.Equal(0, await cli.Run(import));

        Assert.Contains("The file has changed since an interrupted import of it", cli.Output);
        Assert.DoesNotContain("Resuming", cli.Output);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_work.Path, "changed-since-home", "imports")));
        Assert.Equal(BadDateRefs(prefix, rows), RejectedRefs(file + ".rejects.csv"));
        Assert.Equal(rows - BadDateRefs(prefix, rows).Count, (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(0, await cli.Run(import));
    }

    [Fact]
    public async Task A_row_the_client_rejects_is_reported_with_the_platforms_problems_too_so_it_is_fixed_once()
    {
        var prefix = TestRecords.UniqueRef("complete");
        var file = Path.Combine(_work.Path, "complete.csv");
        await File.WriteAllLinesAsync(file, [
            "ref,given_name,surname,date_of_birth,sex",
            $"{prefix}-1,Ana,Rusu,19800101,f",
            $"{prefix}-2,,,19901345,male",
            $"{prefix}-3,Ion,Rusu,19901345,m",
            $",Eva,Rusu,19901345,f",
        ]);
        var cli = await SignedInCli("complete-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));

        var rejected = File.ReadLines(file + ".rejects.csv").Skip(1).ToList();
        Assert.Equal(3, rejected.Count);
        // The client cannot read the date; the platform adds that the row has no name and that sex is f, m or x.
        Assert.Contains("person.date_of_birth:", rejected[0]);
        Assert.Contains("person.name: is required", rejected[0]);
        Assert.Contains("person.sex:", rejected[0]);
        Assert.Contains("person.date_of_birth:", rejected[1]);
        Assert.DoesNotContain("person.name", rejected[1]);
        Assert.DoesNotContain("person.sex", rejected[1]);
        // A problem both sides see is named once.
        Assert.Single(Regex.Matches(rejected[2], "source_ref:"));
        Assert.Equal([$"{prefix}-1"], (await CreatedSourceRefs()).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)));

        // A row of another record type is that row's whole problem: the platform is not asked about it as that type.
        var jsonl = Path.Combine(_work.Path, "complete.jsonl");
        await File.WriteAllLinesAsync(jsonl, [$$$"""{"source_ref": "{{{prefix}}}-phone", "phone": {}}"""]);
        Assert.Equal(1, await cli.Run("import", jsonl, "--type", "person"));
        var wrongType = Assert.Single(File.ReadLines(jsonl + ".rejects.csv").Skip(1));
        Assert.Contains("the record is of type phone", wrongType);
        Assert.DoesNotContain("phone.number", wrongType);
    }

    [Fact]
    public async Task A_dry_run_has_the_platform_check_every_row_and_rejects_exactly_what_the_import_would()
    {
        var prefix = TestRecords.UniqueRef("dry-platform");
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var withdrawn = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person($"{prefix}-withdrawn") });
        await records.WithdrawAsync(new WithdrawRequest { RecordId = withdrawn.RecordId, Reason = "entered in error" });
        var file = Path.Combine(_work.Path, "dry-platform.csv");
        await File.WriteAllLinesAsync(file, [
            "ref,given_name,surname,date_of_birth,sex",
            $"{prefix}-1,Ana,Rusu,19800101,f",
            $"{prefix}-2,Ion,Rusu,19800101,male",
            $"{prefix}-3,,,19800101,m",
            $"{prefix}-withdrawn,Eva,Rusu,19800101,f",
            $"{prefix}-5,Dan,Rusu,19901345,f",
        ]);
        string[] import = ["import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "2"];
        var cli = await SignedInCli("dry-platform-home");

        Assert.Equal(0, await cli.Run([.. import, "--dry-run"]));
        var dryRejects = File.ReadAllLines(file + ".dry-run.rejects.csv");
        Assert.Equal([$"{prefix}-2", $"{prefix}-3", $"{prefix}-withdrawn", $"{prefix}-5"], RejectedRefs(file + ".dry-run.rejects.csv"));
        Assert.Contains("person.sex:", dryRejects[1]);
        Assert.Contains("person.name: is required", dryRejects[2]);
        Assert.Contains("withdrawn", dryRejects[3]);
        Assert.DoesNotContain("not checked", cli.Output);
        Assert.DoesNotContain((await CreatedSourceRefs()), r => r.StartsWith($"{prefix}-1", StringComparison.Ordinal));

        Assert.Equal(0, await cli.Run(import));
        Assert.Equal(dryRejects, File.ReadAllLines(file + ".rejects.csv"));

        // Not signed in, the client's own checks are all there are, and the run says so and what to do.
        var anonymous = NewCli("dry-platform-anonymous");
        Assert.Equal(0, await anonymous.Run([.. import, "--dry-run"]));
        Assert.Equal([$"{prefix}-5"], RejectedRefs(file + ".dry-run.rejects.csv"));
        Assert.Contains("The platform's rules were not checked", anonymous.Output);
        Assert.Contains("intelshare login", anonymous.Output);

        // Signed in, but the platform is not answering: the run says so at once instead of retrying as an import would.
        var stopped = new CliRunner(Factory, Path.Combine(_work.Path, "dry-platform-home"), transport: new SocketsHttpHandler());
        Assert.Equal(0, await stopped.Run([.. import, "--dry-run"]));
        Assert.Equal([$"{prefix}-5"], RejectedRefs(file + ".dry-run.rejects.csv"));
        Assert.Contains("Cannot reach the IntelShare platform", stopped.Output);
        Assert.Contains("The platform's rules were not checked", stopped.Output);
        Assert.DoesNotContain("sending it again", stopped.Output);
    }

    [Fact]
    public async Task An_interrupted_import_run_again_with_other_options_is_refused_and_resumes_with_the_same_ones()
    {
        const int rows = 2_000;
        var (file, prefix) = await WritePeopleWithBadDates("changed-options", rows);
        var cli = await SignedInCli("changed-options-home");
        string[] import = ["import", file, "--type", "person", "--source-ref-column", "ref", "--batch-size", "100", "--releasable-to", "BORDER"];
        await RunUntilFirstCheckpoint(cli, "changed-options-home", import);
        var sent = (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal));

        string[][] changed =
        [
            import[..^2],
            [.. import, "--classification", "SECRET"],
            [.. import, "--caveat", "VICTIM_IDENTITY"],
            [.. import, "--encoding", "windows-1252"],
            ["import", file, "--type", "person", "--source-ref-column", "given_name", "--batch-size", "100", "--releasable-to", "BORDER"],
            ["import", file, "--type", "vehicle", "--source-ref-column", "ref", "--batch-size", "100", "--releasable-to", "BORDER"],
        ];
        foreach (var args in changed)
        {
            var before = cli.Output.Length;
            Assert.Equal(2, await cli.Run(args));
            Assert.Contains("differ from those of the interrupted run", cli.Output[before..]);
            Assert.Contains("--restart", cli.Output[before..]);
        }

        Assert.Equal(sent, (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal)));
        // Rows per batch change nothing that is sent.
        Assert.Equal(0, await cli.Run([.. import[..^4], "--batch-size", "300", "--releasable-to", "BORDER"]));
        Assert.Contains("Resuming", cli.Output);
        var refs = (await CreatedSourceRefs()).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(rows - BadDateRefs(prefix, rows).Count, refs.Distinct().Count());
        Assert.Equal(BadDateRefs(prefix, rows), RejectedRefs(file + ".rejects.csv"));
    }

    [Fact]
    public async Task A_row_larger_than_the_server_accepts_is_rejected_on_the_client_and_the_others_are_imported()
    {
        var prefix = TestRecords.UniqueRef("large");
        var file = Path.Combine(_work.Path, "large.csv");
        await File.WriteAllLinesAsync(file, ["ref,given_name,surname", $"{prefix}-1,Ana,Rusu", $"{prefix}-2,{new string('x', 5 * 1024 * 1024)},Rusu", $"{prefix}-3,Ion,Rusu"]);
        var cli = await SignedInCli("large-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));

        var rejected = Assert.Single(File.ReadLines(file + ".rejects.csv").Skip(1));
        Assert.StartsWith($"2,{prefix}-2,", rejected);
        Assert.Contains("the server accepts at most 4,194,304 bytes (4 MiB)", rejected);
        Assert.DoesNotContain("sending it again", cli.Output);
        Assert.Equal([$"{prefix}-1", $"{prefix}-3"], (await CreatedSourceRefs()).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_server_that_refuses_a_message_as_too_large_is_not_asked_again()
    {
        using var data = new TemporaryDirectory();
        await using var strict = new PlatformFactory(data.Path, settings: new Dictionary<string, string> { ["Grpc:MaxReceiveMessageSize"] = "65536" });
        var cli = new CliRunner(strict, Path.Combine(_work.Path, "strict-home"));
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));
        var file = Path.Combine(_work.Path, "strict.csv");
        await File.WriteAllLinesAsync(file, ["ref,given_name,surname", $"strict-1,{new string('x', 80_000)},Rusu"]);

        Assert.Equal(1, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));

        Assert.Contains("ResourceExhausted", cli.Output);
        Assert.DoesNotContain("sending it again", cli.Output);
    }

    [Fact]
    public async Task A_mapping_listing_a_column_that_is_not_a_name_is_a_usage_error_naming_the_file_and_the_setting()
    {
        var file = Path.Combine(_work.Path, "mapped.csv");
        await File.WriteAllLinesAsync(file, ["ref,surname", "R1,Rusu"]);
        var mapping = Path.Combine(_work.Path, "mapping.json");
        await File.WriteAllTextAsync(mapping, """{"person.name.family_name": {"columns": ["surname", 3]}}""");
        var cli = NewCli("mapping-home");

        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--mapping", mapping, "--dry-run"));

        Assert.Contains($"Mapping {mapping}: person.name.family_name \"columns\"", cli.Output);
        Assert.DoesNotContain("Unexpected error", cli.Output);
    }

    [Fact]
    public async Task A_mapping_reading_columns_the_file_does_not_have_names_every_such_field_before_sending()
    {
        var (file, prefix) = await WritePeopleWithBadDates("misspelt-columns", rows: 3);
        var mapping = Path.Combine(_work.Path, "misspelt-columns", "mapping.json");
        await File.WriteAllTextAsync(mapping,
            """{"person.name.given_name": "givn_name", "person.name.family_name": "surnam", "person.date_of_birth": "date_of_birth", "person.phones": {"columns": ["mobile", "alt_phone"]}}""");
        var cli = await SignedInCli("misspelt-columns-home");

        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--mapping", mapping));

        Assert.Contains("person.name.given_name is read from column 'givn_name', which the file does not have.", cli.Output);
        Assert.Contains("person.name.family_name is read from column 'surnam', which the file does not have.", cli.Output);
        Assert.Contains("person.phones is read from columns 'mobile', 'alt_phone', none of which the file has.", cli.Output);
        Assert.DoesNotContain(await CreatedSourceRefs(), r => r.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mapping_naming_one_field_twice_is_refused_before_sending_naming_the_entries()
    {
        var prefix = TestRecords.UniqueRef("mapped-twice");
        var file = Path.Combine(_work.Path, "mapped-twice.csv");
        await File.WriteAllLinesAsync(file, ["ref,given,surname,passport", $"{prefix}-1,Ana,Rusu,RX1", $"{prefix}-2,,Popa,RX2"]);
        // Spelt differently (JSON name, a kind's value field named or not), and the very same key twice.
        var respelt = Path.Combine(_work.Path, "respelt.mapping.json");
        await File.WriteAllTextAsync(respelt, """
            {"source_ref": "ref", "person.name.givenName": "given", "person.name.given_name": "surname",
             "person.documents.passport": "passport", "person.documents.passport.number": "ref"}
            """);
        var repeated = Path.Combine(_work.Path, "repeated.mapping.json");
        await File.WriteAllTextAsync(repeated, """{"source_ref": "ref", "person.name.family_name": "surname", "person.name.family_name": "given"}""");
        var cli = await SignedInCli("mapped-twice-home");

        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--mapping", respelt));
        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--mapping", repeated));

        Assert.Contains("'person.name.givenName' and 'person.name.given_name' map the same field, person.name.given_name.", cli.Output);
        Assert.Contains("'person.documents.passport' and 'person.documents.passport.number' map the same field, person.documents.passport.number.", cli.Output);
        Assert.Contains($"Mapping {repeated}: 'person.name.family_name' is mapped 2 times.", cli.Output);
        Assert.DoesNotContain(await CreatedSourceRefs(), r => r.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mappings_columns_are_tried_in_each_row_and_a_list_field_takes_all_of_them()
    {
        var prefix = TestRecords.UniqueRef("fallback");
        var file = Path.Combine(_work.Path, "fallback.csv");
        await File.WriteAllLinesAsync(file, [
            "Ref,Surname,Last Name,Mobile,Alt Phone",
            $"{prefix}-1,Rusu,,+40700000001,",
            $"{prefix}-2,,Popa,,+40700000002",
            $"{prefix}-3,Ionescu,Other,+40700000003,+40700000004",
        ]);
        var mapping = Path.Combine(_work.Path, "fallback.mapping.json");
        await File.WriteAllTextAsync(mapping, """
            {"source_ref": "Ref", "person.name.family_name": {"columns": ["Surname", "Last Name"]}, "person.phones": {"columns": ["Mobile", "Alt Phone"]}}
            """);
        var cli = await SignedInCli("fallback-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--mapping", mapping));

        Assert.DoesNotContain("Columns not imported", cli.Output);
        var people = (await CreatedContents()).Where(c => c.SourceRef.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(c => c.SourceRef, StringComparer.Ordinal).Select(c => c.Person).ToList();
        Assert.Equal(["Rusu", "Popa", "Ionescu"], people.Select(p => p.Name.FamilyName));
        Assert.Equal([["+40700000001"], ["+40700000002"], ["+40700000003", "+40700000004"]], people.Select(p => p.Phones.ToArray()));
    }

    [Fact]
    public async Task A_json_lines_import_names_the_keys_it_left_behind_and_the_mapping_entries_no_row_had()
    {
        var prefix = TestRecords.UniqueRef("jsonl-keys");
        var file = Path.Combine(_work.Path, "jsonl-keys.jsonl");
        await File.WriteAllLinesAsync(file, [
            $$"""{"id": "{{prefix}}-1", "surname": "Rusu", "dob": "1980-01-01", "nickname": "Nelu"}""",
            $$"""{"id": "{{prefix}}-2", "surname": "Popa", "dob": "1981-02-02", "origin": {"town": "Iasi"}, "remarks": null}""",
        ]);
        var mapping = Path.Combine(_work.Path, "jsonl-keys.mapping.json");
        await File.WriteAllTextAsync(mapping, """{"source_ref": "id", "person.name.family_name": "surname", "person.date_of_birth": "brith"}""");
        var cli = await SignedInCli("jsonl-keys-home");
        string[] import = ["import", file, "--type", "person", "--mapping", mapping];

        foreach (var args in new[] { [.. import, "--dry-run"], import })
        {
            var before = cli.Output.Length;
            Assert.Equal(0, await cli.Run(args));
            var output = cli.Output[before..];
            Assert.Contains("Keys not imported (no field reads them; see --mapping): dob, nickname, origin_town, remarks", output);
            Assert.Contains("Mapping entries whose keys appear in no row, so that they set nothing (misspelt?): person.date_of_birth from brith", output);
        }

        Assert.Equal(2, (await CreatedSourceRefs()).Count(r => r.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_flat_json_lines_row_with_a_list_or_object_under_a_record_field_name_is_read_as_a_flat_row()
    {
        var prefix = TestRecords.UniqueRef("flat-json");
        var file = Path.Combine(_work.Path, "parr.jsonl");
        await File.WriteAllLinesAsync(file, [
            $$$"""{"id":"{{{prefix}}}-1","first_name":"Ana","surname":"Pop","phone":["+40 721 000 001","+40 721 000 002"]}""",
            $$$"""{"id":"{{{prefix}}}-2","first_name":"Ion","surname":"Pop","evaluation":{"source":"reliable"}}""",
            $$$"""{"source_ref":"{{{prefix}}}-3","person":{"name":{"given_name":"Eva","family_name":"Pop"}},"evaluation":{"source":"SOURCE_UNTESTED"}}""",
        ]);
        var cli = await SignedInCli("flat-json-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person"));

        Assert.False(File.Exists(file + ".rejects.csv") && File.ReadLines(file + ".rejects.csv").Skip(1).Any(), File.Exists(file + ".rejects.csv") ? File.ReadAllText(file + ".rejects.csv") : "");
        var created = await CreatedBySourceRef(prefix);
        Assert.Equal(["+40 721 000 001", "+40 721 000 002"], created[$"{prefix}-1"].Person.Phones);
        Assert.Equal(SourceEvaluation.SourceReliable, created[$"{prefix}-2"].Evaluation.Source);
        // A row in the platform's own shape is still read as one.
        Assert.Equal(("Eva", SourceEvaluation.SourceUntested), (created[$"{prefix}-3"].Person.Name.GivenName, created[$"{prefix}-3"].Evaluation.Source));
    }

    [Fact]
    public async Task A_decimal_comma_is_read_as_a_decimal_and_a_number_with_thousands_separators_is_rejected_naming_the_field()
    {
        var prefix = TestRecords.UniqueRef("decimal");
        var file = Path.Combine(_work.Path, "place.csv");
        await File.WriteAllLinesAsync(file, [
            "ref,name,latitude,longitude",
            $"{prefix}-1,Decimal comma,\"5,3\",\"-0,12\"",
            $"{prefix}-2,Decimal comma,\"51,5\",0.25",
            $"{prefix}-3,Thousands,\"1,234.5\",0",
            $"{prefix}-4,Both ways,\"1.234,5\",0",
        ]);
        var cli = await SignedInCli("decimal-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "place", "--source-ref-column", "ref"));

        var created = await CreatedBySourceRef(prefix);
        Assert.Equal([$"{prefix}-1", $"{prefix}-2"], created.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((5.3, -0.12), (created[$"{prefix}-1"].Place.Latitude, created[$"{prefix}-1"].Place.Longitude));
        Assert.Equal(51.5, created[$"{prefix}-2"].Place.Latitude);
        Assert.All(File.ReadLines(file + ".rejects.csv").Skip(1), line =>
        {
            Assert.Contains("place.latitude:", line);
            Assert.Contains("thousands separator", line);
            Assert.DoesNotContain("between -90 and 90", line);
        });
        Assert.Equal([$"{prefix}-3", $"{prefix}-4"], RejectedRefs(file + ".rejects.csv"));
    }

    [Fact]
    public async Task A_json_file_holding_an_array_is_imported_object_by_object_and_a_broken_one_is_refused_before_sending()
    {
        var prefix = TestRecords.UniqueRef("array");
        var file = Path.Combine(_work.Path, "people.json");
        await File.WriteAllTextAsync(file, $$"""
            [
              {
                "ref": "{{prefix}}-1",
                "given_name": "Ana",
                "surname": "Rusu"
              },
              {
                "ref": "{{prefix}}-2",
                "given_name": "Ion",
                "date_of_birth": "19901345"
              },
              { "source_ref": "{{prefix}}-3", "person": { "name": { "given_name": "Eva" } } }
            ]
            """);
        var cli = await SignedInCli("array-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person"));

        Assert.Equal(["2"], File.ReadLines(file + ".rejects.csv").Skip(1).Select(line => line.Split(',')[0]));
        Assert.Equal([$"{prefix}-1", $"{prefix}-3"], (await CreatedSourceRefs()).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        var broken = Path.Combine(_work.Path, "broken.json");
        await File.WriteAllTextAsync(broken, $$"""
            [
              { "ref": "{{prefix}}-4", "given_name": "Dan" },
              { "ref": "{{prefix}}-5", "given_name": "Dan" 
              { "ref": "{{prefix}}-6", "given_name": "Dan" }
            ]
            """);
        Assert.Equal(2, await cli.Run("import", broken, "--type", "person"));
        Assert.Contains("line 4", cli.Output);
        Assert.DoesNotContain((await CreatedSourceRefs()), r => r.StartsWith($"{prefix}-4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_refused_naming_the_line_and_is_imported_with_its_encoding()
    {
        var prefix = TestRecords.UniqueRef("latin1");
        var file = Path.Combine(_work.Path, "latin1.csv");
        await File.WriteAllBytesAsync(file, [
            .. System.Text.Encoding.ASCII.GetBytes($"ref,given_name,surname\n{prefix}-1,Ana,Rusu\n{prefix}-2,Andr"),
            0xE9, (byte)',', (byte)'M', 0xFC,
            .. System.Text.Encoding.ASCII.GetBytes("ller\n"),
        ]);
        var cli = await SignedInCli("latin1-home");

        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));
        Assert.Contains("line 3", cli.Output);
        Assert.Contains("--encoding", cli.Output);
        Assert.DoesNotContain(await CreatedSourceRefs(), r => r.StartsWith(prefix, StringComparison.Ordinal));

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref", "--encoding", "iso-8859-1"));
        var created = (await CreatedContents()).Single(c => c.SourceRef == $"{prefix}-2");
        Assert.Equal(("André", "Müller"), (created.Person.Name.GivenName, created.Person.Name.FamilyName));

        // A byte order mark says the encoding itself.
        var utf16 = Path.Combine(_work.Path, "utf16.csv");
        await File.WriteAllTextAsync(utf16, $"ref,given_name,surname\n{prefix}-3,Zoë,Ștefan\n", System.Text.Encoding.Unicode);
        Assert.Equal(0, await cli.Run("import", utf16, "--type", "person", "--source-ref-column", "ref"));
        Assert.Equal("Ștefan", (await CreatedContents()).Single(c => c.SourceRef == $"{prefix}-3").Person.Name.FamilyName);
    }

    [Fact]
    public async Task Sex_and_country_codes_are_taken_in_any_case()
    {
        var prefix = TestRecords.UniqueRef("case");
        var file = Path.Combine(_work.Path, "case.csv");
        await File.WriteAllLinesAsync(file, ["ref,given_name,surname,sex,nationality", $"{prefix}-1,Ana,Rusu,F,ro", $"{prefix}-2,Ion,Rusu,M,Md"]);
        var cli = await SignedInCli("case-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--source-ref-column", "ref"));

        var created = await CreatedBySourceRef(prefix);
        Assert.Equal(("f", "RO"), (created[$"{prefix}-1"].Person.Sex, created[$"{prefix}-1"].Person.Nationalities.Single()));
        Assert.Equal(("m", "MD"), (created[$"{prefix}-2"].Person.Sex, created[$"{prefix}-2"].Person.Nationalities.Single()));
    }

    [Fact]
    public async Task A_link_or_document_whose_identifying_column_is_empty_is_left_out_and_the_rest_of_the_row_imported()
    {
        var prefix = TestRecords.UniqueRef("sub-entries");
        var file = Path.Combine(_work.Path, "sub-entries.csv");
        await File.WriteAllLinesAsync(file, [
            "ref,given,surname,passport,passport_country,linked,alias",
            $"{prefix}-1,Ana,Rusu,,RO,,",
            $"{prefix}-2,Ion,Rusu,RX123456,MD,{prefix}-1,Ionel",
        ]);
        var mapping = Path.Combine(_work.Path, "sub-entries.json");
        await File.WriteAllTextAsync(mapping, """
            {
              "source_ref": "ref",
              "person.name.given_name": "given",
              "person.name.family_name": "surname",
              "person.documents.passport": "passport",
              "person.documents.passport.issuing_country": "passport_country",
              "links.relationship": { "value": "associate_of" },
              "links.target_source_ref": "linked",
              "person.aliases.given_name": "alias"
            }
            """);
        var cli = await SignedInCli("sub-entries-home");

        Assert.Equal(0, await cli.Run("import", file, "--type", "person", "--mapping", mapping));

        Assert.False(File.Exists(file + ".rejects.csv") && File.ReadLines(file + ".rejects.csv").Skip(1).Any(), File.Exists(file + ".rejects.csv") ? File.ReadAllText(file + ".rejects.csv") : "");
        var created = await CreatedBySourceRef(prefix);
        Assert.Empty(created[$"{prefix}-1"].Person.Documents);
        Assert.Empty(created[$"{prefix}-1"].Links);
        Assert.Empty(created[$"{prefix}-1"].Person.Aliases);
        Assert.Equal("Ionel", created[$"{prefix}-2"].Person.Aliases.Single().GivenName);
        Assert.Equal(("RX123456", "MD"), (created[$"{prefix}-2"].Person.Documents.Single().Number, created[$"{prefix}-2"].Person.Documents.Single().IssuingCountry));
        Assert.Equal($"{prefix}-1", created[$"{prefix}-2"].Links.Single().TargetSourceRef);
    }

    /// <summary>A CSV of people in a directory of its own, every seventh with a date of birth no calendar has.</summary>
    [Fact]
    public async Task On_an_80_column_terminal_a_table_too_wide_for_it_lists_each_row_with_its_ids_whole()
    {
        var held = await (await Factory.ChannelForAsync("contributor")).RecordsClient()
            .ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("narrow")) });
        var border = new CliRunner(Factory, Path.Combine(_work.Path, "narrow-border"), width: 80);
        Assert.Equal(0, await border.Run("login", "--user", "border.analyst", "--password", PlatformFactory.DemoPassword));
        Assert.Equal(0, await border.Run("access", "request", held.RecordId, "--reason", "the subject crossed our border"));
        var supervisor = new CliRunner(Factory, Path.Combine(_work.Path, "narrow-supervisor"), width: 80);
        Assert.Equal(0, await supervisor.Run("login", "--user", "supervisor", "--password", PlatformFactory.DemoPassword));

        Assert.Equal(0, await supervisor.Run("access", "requests", "--incoming"));

        var lines = supervisor.Output.Split('\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 80, $"Wider than the terminal: {line}"));
        var recordLine = Assert.Single(lines, line => line.Contains(held.RecordId));
        Assert.StartsWith("Record", recordLine.TrimStart());
        Assert.Contains(lines, line => line.Contains("the subject crossed our border"));
        Assert.Contains(lines, line => line.TrimStart().StartsWith("Request ") && line.Contains("req"));
        Assert.Contains(lines, line => line.Contains("Border Guard Analyst (border.analyst), BORDER"));
    }

    [Fact]
    public async Task People_are_named_by_user_name_on_cases_and_shown_by_name_in_tables()
    {
        var analyst = new CliRunner(Factory, Path.Combine(_work.Path, "names-analyst"));
        Assert.Equal(0, await analyst.Run("login", "--user", "analyst", "--password", PlatformFactory.DemoPassword));
        var caseRef = "OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

        Assert.Equal(2, await analyst.Run("search", "kovalenko", "--reason", "typo in the type", "--type", "persn"));
        Assert.Contains("--type persn:", analyst.Output);
        Assert.Equal(2, await analyst.Run("check", "--phone", "0721 000 111", "--plate", "B-123-XYZ", "--reason", "roadside stop"));
        Assert.Contains("Check one thing at a time: --plate, --phone were all given.", analyst.Output);
        // Every problem at once: an unknown person no longer hides an unknown agency or a bad reference.
        Assert.Equal(1, await analyst.Run("case", "create", "x", "--title", "Joint team", "--member-user", "border.analyst,no.such.person", "--member-agency", "labour,nope"));
        Assert.Contains("--member-user no.such.person: no such user", analyst.Output);
        Assert.Contains("--member-agency nope: 'NOPE' is not an agency taking part", analyst.Output);
        Assert.Contains("case reference: must be 2 to 64 characters", analyst.Output);
        Assert.DoesNotContain("border.analyst:", analyst.Output);
        Assert.DoesNotContain("labour:", analyst.Output);
        Assert.Equal(0, await analyst.Run("case", "create", caseRef, "--title", "Joint team", "--member-user", "Border.Analyst"));
        Assert.Equal(0, await analyst.Run("case", "show", caseRef));
        Assert.Contains("Demo Analyst (analyst), Border Guard Analyst (border.analyst)", analyst.Output);
        Assert.Equal(0, await analyst.Run("case", "remove-member", caseRef, "--user", "border.analyst"));
        var before = analyst.Output.Length;
        Assert.Equal(0, await analyst.Run("case", "show", caseRef));
        Assert.Contains("Demo Analyst (analyst)", analyst.Output[before..]);
        Assert.DoesNotContain("border.analyst", analyst.Output[before..]);

        var contributor = new CliRunner(Factory, Path.Combine(_work.Path, "names-contributor"));
        Assert.Equal(0, await contributor.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));
        var held = await (await Factory.ChannelForAsync("contributor")).RecordsClient()
            .ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("names")) });
        Assert.Equal(0, await contributor.Run("history", held.RecordId, "--reason", "checking the import"));
        Assert.Contains("Demo Contributor (contributor)", contributor.Output);

        // A revoked grant says, to its holder, who ended it and why.
        var border = new CliRunner(Factory, Path.Combine(_work.Path, "names-border"));
        Assert.Equal(0, await border.Run("login", "--user", "border.analyst", "--password", PlatformFactory.DemoPassword));
        var request = await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"))
            .RequestAccessAsync(new RequestAccessRequest { RecordId = held.RecordId, Reason = "crossed our border" });
        var supervisor = new CliRunner(Factory, Path.Combine(_work.Path, "names-supervisor"));
        Assert.Equal(0, await supervisor.Run("login", "--user", "supervisor", "--password", PlatformFactory.DemoPassword));
        Assert.Equal(0, await supervisor.Run("access", "approve", request.RequestId, "--expires", "7d"));
        var grantId = (await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst")).ListGrantsAsync(new ListGrantsRequest()))
            .Grants.Single(g => g.RecordIds.Contains(held.RecordId)).GrantId;
        Assert.Equal(0, await supervisor.Run("access", "revoke", grantId, "--reason", "operation closed"));
        Assert.Equal(0, await border.Run("access", "grants", "--all"));
        Assert.Contains("revoked by Demo Supervisor (supervisor)", border.Output);
        Assert.Contains("operation closed", border.Output);
        // So does the request that gave it.
        var beforeRequests = border.Output.Length;
        Assert.Equal(0, await border.Run("access", "requests"));
        Assert.Contains("grant revoked by Demo Supervisor (supervisor)", border.Output[beforeRequests..]);
    }

    private async Task<(string File, string Prefix)> WritePeopleWithBadDates(string directory, int rows)
    {
        var file = Path.Combine(Directory.CreateDirectory(Path.Combine(_work.Path, directory)).FullName, "people.csv");
        var prefix = TestRecords.UniqueRef("cli");
        await File.WriteAllLinesAsync(file, new[] { "ref,given_name,surname,date_of_birth" }
            .Concat(Enumerable.Range(0, rows).Select(i => $"{prefix}-{i},Given{i},Family{i % 97},{(i % 7 == 3 ? "19901345" : "19800101")}")));
        return (file, prefix);
    }

    private static List<string> BadDateRefs(string prefix, int rows) =>
        Enumerable.Range(0, rows).Where(i => i % 7 == 3).Select(i => $"{prefix}-{i}").ToList();

    /// <summary>Starts <paramref name="args"/> and cancels it once it has saved its first checkpoint, as an interrupted import.</summary>
    private async Task RunUntilFirstCheckpoint(CliRunner cli, string home, params string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        var checkpoints = Path.Combine(_work.Path, home, "imports");
        var run = cli.Run(interrupt.Token, args);
        while (!run.IsCompleted && !(Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints).Any()))
        {
            await Task.Delay(5);
        }

        interrupt.Cancel();
        await run;
    }

    private async Task<List<string>> CreatedSourceRefs() => (await CreatedContents()).Select(c => c.SourceRef).ToList();

    /// <summary>The records a test created, by source reference (each test's references share its prefix).</summary>
    private async Task<Dictionary<string, RecordContent>> CreatedBySourceRef(string prefix) =>
        (await CreatedContents()).Where(c => c.SourceRef.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(c => c.SourceRef);

    private async Task<List<ChangeEvent>> ChangesOf(string sourceRef)
    {
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        using var call = changeLog.ReadChanges(new ReadChangesRequest());
        var changes = new List<ChangeEvent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Record?.Content?.SourceRef == sourceRef)
            {
                changes.Add(call.ResponseStream.Current);
            }
        }

        return changes;
    }

    private async Task<List<RecordContent>> CreatedContents()
    {
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        using var call = changeLog.ReadChanges(new ReadChangesRequest());
        var contents = new List<RecordContent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Kind == ChangeKind.RecordCreated)
            {
                contents.Add(call.ResponseStream.Current.Record.Content);
            }
        }

        return contents;
    }

    /// <summary>The source references in a rejects file, in its order.</summary>
    private static List<string> RejectedRefs(string rejects) => File.ReadLines(rejects).Skip(1).Select(line => line.Split(',')[1]).ToList();

    private async Task<string> RecordIdOf(string sourceRef)
    {
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        using var call = changeLog.ReadChanges(new ReadChangesRequest());
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Record.Content.SourceRef == sourceRef)
            {
                return call.ResponseStream.Current.RecordId;
            }
        }

        throw new InvalidOperationException($"No record with source reference {sourceRef}.");
    }

    [Fact]
    public async Task A_directory_given_as_the_file_to_import_or_its_mapping_is_called_a_directory_not_a_missing_file()
    {
        var file = Path.Combine(_work.Path, "people.csv");
        await File.WriteAllTextAsync(file, "ref,given_name\nD-1,Ana\n");
        var cli = NewCli("directory-input");

        Assert.Equal(2, await cli.Run("import", _work.Path, "--type", "person"));
        Assert.Equal(2, await cli.Run("import", file, "--type", "person", "--mapping", _work.Path));

        Assert.Contains($"{_work.Path} is a directory, not a file: name the file itself.", cli.Output);
        Assert.Contains($"{_work.Path} is a directory, not a mapping file: name the file itself.", cli.Output);
        Assert.DoesNotContain("No such file", cli.Output);
        Assert.DoesNotContain("denied", cli.Output);
    }

    [Fact]
    public async Task A_session_the_platform_refuses_is_told_to_sign_in_again_as_its_own_user_or_client()
    {
        var person = await SignedInCli("refused-user-session");
        var system = NewCli("refused-client-session");
        Assert.Equal(0, await system.Run("login", "--client-id", "pol-atu-system", "--client-secret", HostProcess.DemoClientSecret));
        foreach (var home in new[] { "refused-user-session", "refused-client-session" })
        {
            // Not expired by the clock, so the CLI sends it and the platform refuses it.
            var sessionFile = Path.Combine(_work.Path, home, "session.json");
            var session = JsonNode.Parse(await File.ReadAllTextAsync(sessionFile))!;
            session["access_token"] = "not-a-token";
            await File.WriteAllTextAsync(sessionFile, session.ToJsonString());
        }

        Assert.Equal(1, await person.Run("get", "rec-any", "--reason", "check"));
        Assert.Equal(1, await system.Run("get", "rec-any", "--reason", "check"));

        Assert.Contains("did not accept your session", person.Output);
        Assert.Contains("run `intelshare login --user contributor` again.", person.Output);
        Assert.Contains("run `intelshare login --client-id pol-atu-system --client-secret <secret>` again.", system.Output);
    }

    [Fact]
    public async Task An_empty_password_or_client_secret_is_refused_before_signing_in_saying_what_to_do()
    {
        var given = NewCli("empty-password-given");
        var typed = new CliRunner(Factory, Path.Combine(_work.Path, "empty-password-typed"), input: "\n");
        var system = NewCli("empty-client-secret");

        Assert.Equal(2, await given.Run("login", "--user", "contributor", "--password", ""));
        Assert.Equal(2, await typed.Run("login", "--user", "contributor"));
        Assert.Equal(2, await system.Run("login", "--client-id", "pol-atu-system", "--client-secret", ""));

        Assert.Contains("The password is empty: type it at the prompt, or pass it with --password.", given.Output);
        Assert.Contains("The password is empty", typed.Output);
        Assert.Contains("The client secret is empty", system.Output);
        Assert.DoesNotContain("mandatory", given.Output + typed.Output + system.Output);
        // Nothing was saved: the next command asks the user to sign in.
        Assert.NotEqual(0, await typed.Run("whoami"));
        Assert.Contains("intelshare login", typed.Output);
    }

    private CliRunner NewCli(string home) => new(Factory, Path.Combine(_work.Path, home));

    private async Task<CliRunner> SignedInCli(string home)
    {
        var cli = NewCli(home);
        Assert.Equal(0, await cli.Run("login", "--user", "contributor", "--password", PlatformFactory.DemoPassword));
        return cli;
    }
}
