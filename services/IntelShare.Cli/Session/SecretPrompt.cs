using Spectre.Console;

namespace IntelShare.Cli.Session;

/// <summary>Asks for a password or secret without echoing it, or reads it from the context's input (tests, pipes).</summary>
internal static class SecretPrompt
{
    /// <summary>
    /// The secret given with <paramref name="option"/>, or else asked for. An empty one is refused here: the token
    /// endpoint would answer it with a protocol message ("the mandatory 'password' parameter is missing") that does not
    /// tell the user what to do.
    /// </summary>
    public static async Task<string> ReadAsync(CliRun run, string label, string option, string? given, CancellationToken ct)
    {
        var secret = given ?? await AskAsync(run, label, option, ct);
        return secret.Length > 0
            ? secret
            : throw new UsageException($"The {label.ToLowerInvariant()} is empty: type it at the prompt, or pass it with {option}.");
    }

    private static async Task<string> AskAsync(CliRun run, string label, string option, CancellationToken ct)
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

        return await run.Console.PromptAsync(new TextPrompt<string>($"{Markup.Escape(label)}:").Secret().AllowEmpty(), ct);
    }
}
