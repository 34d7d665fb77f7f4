using Spectre.Console;

namespace IntelShare.Cli.Session;

/// <summary>Asks for a password or secret without echoing it, or reads it from the context's input (tests, pipes).</summary>
internal static class SecretPrompt
{
    public static async Task<string> ReadAsync(CliRun run, string label, string option, CancellationToken ct)
    {
        if (run.Context.Input is { } input)
        {
            run.Console.Write($"{label}: ");
            var line = await input.ReadLineAsync(ct);
            run.Console.WriteLine();
            return line ?? throw new UsageException($"No {label.ToLowerInvariant()} on the input: pass {option}.");
        }

        if (!run.Console.Profile.Capabilities.Interactive)
        {
            throw new UsageException($"Cannot ask for the {label.ToLowerInvariant()} on this console: pass {option}.");
        }

        return await run.Console.PromptAsync(new TextPrompt<string>($"{Markup.Escape(label)}:").Secret(), ct);
    }
}
