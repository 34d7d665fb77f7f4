using Spectre.Console;

namespace IntelShare.Cli.Output;

/// <summary>How wide the CLI lays out its output.</summary>
public static class ConsoleWidth
{
    /// <summary>
    /// Piped or redirected output is read by programs and pagers, not a terminal of a given width: tables are laid
    /// out at their natural width, so that a line is a row and an id is never broken.
    /// </summary>
    public const int Redirected = 1_000;

    /// <summary>
    /// COLUMNS when the user sets it, else the terminal's width, else <see cref="Redirected"/> when the output is
    /// not a terminal (Spectre would otherwise assume 80 columns).
    /// </summary>
    public static void Apply(IAnsiConsole console, string? columnsVariable, bool outputRedirected)
    {
        if (int.TryParse(columnsVariable, out var columns) && columns > 0)
        {
            console.Profile.Width = columns;
        }
        else if (outputRedirected)
        {
            console.Profile.Width = Redirected;
        }
    }
}
