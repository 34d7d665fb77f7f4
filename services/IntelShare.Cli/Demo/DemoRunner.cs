using System.Diagnostics;
using System.Globalization;
using IntelShare.Cli.Output;
using Spectre.Console;

namespace IntelShare.Cli.Demo;

internal sealed record DemoOptions
{
    public required int Seed { get; init; }

    public required double Scale { get; init; }

    public required int BatchSize { get; init; }

    public required string Password { get; init; }

    public required string ClientSecret { get; init; }
}

/// <summary>`intelshare demo`: generate the scenario, import it agency by agency, play the operation, print the tour.</summary>
internal sealed class DemoRunner(CliRun run)
{
    public async Task<int> RunAsync(DemoOptions options, string? serverOption, CancellationToken ct)
    {
        var scenario = DemoScenario.Generate(options.Seed, options.Scale);
        run.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Operation Nistru: {scenario.Count - scenario.BackgroundCount:N0} records of the named cast and {scenario.BackgroundCount:N0} background records (seed {options.Seed}, scale {options.Scale:0.###}) from {scenario.Records.Count} agencies."));

        using var sessions = new DemoSessions(run, serverOption, options.Password, options.ClientSecret);
        await DemoOperation.OpenCaseAsync(sessions, ct);
        var stopwatch = Stopwatch.StartNew();
        var (imports, ids) = await new DemoImporter(run, sessions, options.BatchSize).RunAsync(scenario, ct);
        ShowImports(run.Console, imports, stopwatch.Elapsed);

        var operation = await new DemoOperation(run, sessions).RunAsync(scenario.Cast, ids, ct);
        DemoTour.Show(run.Console, DemoTour.Build(scenario.Cast, ids, operation));
        return ExitCodes.Ok;
    }

    private static void ShowImports(IAnsiConsole console, IReadOnlyList<AgencyImport> imports, TimeSpan elapsed)
    {
        var table = new Table().Title("Demo import").AddColumns("Agency", "Records", "Created", "New versions", "Duplicates", "Rejected");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach (var import in imports)
        {
            var totals = import.Totals;
            table.AddRow(Markup.Escape(import.Agency), Count(totals.RowsRead), Count(totals.Created), Count(totals.NewVersions), Count(totals.Duplicates), Count(totals.Rejected));
        }

        console.WriteTable(table);
        var created = imports.Sum(import => import.Totals.Created);
        var changed = imports.Sum(import => import.Totals.NewVersions);
        var duplicates = imports.Sum(import => import.Totals.Duplicates);
        var timing = elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        if (created + changed == 0)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"All {duplicates:N0} records were already on the platform (duplicates); nothing was written ({timing})."));
        }
        else
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{created:N0} records created, {changed:N0} new versions, {duplicates:N0} duplicates in {timing}."));
        }
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
