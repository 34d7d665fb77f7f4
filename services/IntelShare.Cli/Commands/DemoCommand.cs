using System.CommandLine;
using IntelShare.Cli.Demo;

namespace IntelShare.Cli.Commands;

/// <summary>demo: fill a freshly started platform with a worked trafficking case and show each demo user what to try.</summary>
internal static class DemoCommand
{
    private const int DefaultSeed = 2008;
    private const int DefaultBatchSize = 500;

    public static Command Create(CliRun run, Option<string> server)
    {
        var scale = new Option<double>("--scale")
        {
            Description = $"Multiplies the {BackgroundGenerator.RecordsAtScaleOne:N0} background records (0.1 for a quick look, 10 for a load); the named cast is always there.",
            HelpName = "factor",
            DefaultValueFactory = _ => 1,
        };
        scale.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or > 1000 or double.NaN)
            {
                result.AddError("--scale must be between 0 and 1000.");
            }
        });
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the background records: the same seed gives the same records, so re-running finds duplicates; another seed adds new ones.",
            HelpName = "n",
            DefaultValueFactory = _ => DefaultSeed,
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Records per acknowledged batch.",
            HelpName = "records",
            DefaultValueFactory = _ => DefaultBatchSize,
        };
        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--batch-size must be at least 1.");
            }
        });
        var password = new Option<string>("--password")
        {
            Description = "Password of the demo users the story acts as (supervisor, border.analyst).",
            HelpName = "password",
            DefaultValueFactory = _ => "demo-password",
        };
        var clientSecret = new Option<string>("--client-secret")
        {
            Description = "Client secret of the demo agencies' systems (<agency>-system) that contribute the records.",
            HelpName = "secret",
            DefaultValueFactory = _ => "demo-secret",
        };

        var command = new Command(
            "demo",
            "Import Operation Nistru into a platform started in Development: a sexual and a labour exploitation network from Moldova and Romania to the UK, " +
            "as the police, border guard, labour inspectorate, FIU and a shelter each know it, contributed by each agency's system with its own markings, " +
            $"plus seeded background records. Then open the joint case {DemoAgencies.CaseRef}, play a leak that oversight's anomaly report will find, " +
            "and print a guided tour for every demo user. Running it again writes nothing new.")
        {
            scale, seed, batchSize, password, clientSecret,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var options = new DemoOptions
            {
                Scale = parseResult.GetValue(scale),
                Seed = parseResult.GetValue(seed),
                BatchSize = parseResult.GetValue(batchSize),
                Password = parseResult.GetRequiredValue(password),
                ClientSecret = parseResult.GetRequiredValue(clientSecret),
            };
            return await new DemoRunner(run).RunAsync(options, parseResult.GetValue(server), ct);
        });
        return command;
    }
}
