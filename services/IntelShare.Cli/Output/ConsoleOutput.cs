using Spectre.Console;

namespace IntelShare.Cli.Output;

/// <summary>The few message styles the CLI uses; user data is always escaped, never read as markup.</summary>
internal static class ConsoleOutput
{
    public static void Error(this IAnsiConsole console, string message) => console.MarkupLine($"[red]{Markup.Escape(message)}[/]");

    public static void Warning(this IAnsiConsole console, string message) => console.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");

    public static void Success(this IAnsiConsole console, string message) => console.MarkupLine($"[green]{Markup.Escape(message)}[/]");

    /// <summary>Text that must reach the output unchanged (JSON): Spectre would wrap it at the console width.</summary>
    public static void WriteRaw(this IAnsiConsole console, string text)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(text);
        writer.Flush();
    }
}
