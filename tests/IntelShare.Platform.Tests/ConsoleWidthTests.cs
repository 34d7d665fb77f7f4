using IntelShare.Cli.Output;
using Spectre.Console;

namespace IntelShare.Platform.Tests;

public sealed class ConsoleWidthTests
{
    [Theory]
    [InlineData("132", false, 132)]
    [InlineData("132", true, 132)]
    [InlineData(null, true, ConsoleWidth.Redirected)]
    [InlineData("", true, ConsoleWidth.Redirected)]
    [InlineData("wide", true, ConsoleWidth.Redirected)]
    [InlineData(null, false, 57)]
    public void COLUMNS_sets_the_width_and_piped_output_is_laid_out_unbroken(string? columns, bool redirected, int expected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) });
        // What the terminal reported.
        console.Profile.Width = 57;

        ConsoleWidth.Apply(console, columns, redirected);

        Assert.Equal(expected, console.Profile.Width);
    }
}
