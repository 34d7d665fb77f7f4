using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IntelShare.Cli.Output;

/// <summary>Grids, lists and times as every renderer shows them, so that all commands read alike.</summary>
internal static partial class Display
{
    /// <summary>Times are shown in UTC, the zone the audit log and the server record them in.</summary>
    public const string FullTime = "yyyy-MM-dd HH:mm:ss'Z'";

    public const string ShortTime = "yyyy-MM-dd HH:mm'Z'";

    /// <summary>Widest console a rule is drawn across; wider ones are piped output laid out unwrapped (ConsoleWidth).</summary>
    public const int MaxRuleWidth = 240;

    /// <summary>A two-column label/value grid for one item.</summary>
    public static Grid NewGrid() => new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();

    public static void AddRow(Grid grid, string label, string value) =>
        grid.AddRow(new Markup($"[bold]{Markup.Escape(label)}[/]"), new Text(value));

    /// <summary>A column of ids that people copy into the next command: never broken across lines.</summary>
    public static TableColumn IdColumn(string header) => new TableColumn(header).NoWrap();

    /// <summary>
    /// Writes the table, or where even its narrowest layout is wider than the console (a terminal of 80 columns and
    /// a table of ids), each row as a block of "column  value" lines: squeezed below that width, Spectre would
    /// break every value a character a line or show only an ellipsis. Titles and captions are markup, as in the table.
    /// </summary>
    public static void WriteTable(this IAnsiConsole console, Table table)
    {
        var width = console.Profile.Width;
        if (((IRenderable)table).Measure(RenderOptions.Create(console), width).Min <= width)
        {
            console.Write(table);
            return;
        }

        if (table.Title is { } title)
        {
            console.MarkupLine($"[bold]{title.Text}[/]");
        }

        var first = true;
        foreach (var row in table.Rows)
        {
            if (!first)
            {
                console.WriteLine();
            }

            first = false;
            var grid = NewGrid();
            foreach (var (cell, column) in row.Zip(table.Columns))
            {
                if (cell is not Markup { Length: 0 })
                {
                    grid.AddRow(column.Header, cell);
                }
            }

            console.Write(grid);
        }

        if (table.Caption is { } caption)
        {
            console.WriteLine();
            console.MarkupLine(caption.Text);
        }
    }

    /// <summary>A search highlight as markup: the server marks matched words with &lt;em&gt; tags, shown here in bold.</summary>
    public static string Highlight(string fragment) => Emphasis().Replace(Markup.Escape(fragment), "[bold]$1[/]");

    /// <summary>"1 record", "2 records".</summary>
    public static string Count(long count, string one, string? many = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? one : many ?? one + "s")}");

    [GeneratedRegex("<em>(.*?)</em>")]
    private static partial Regex Emphasis();

    public static string List(IEnumerable<string> items) => string.Join(", ", items) is { Length: > 0 } text ? text : "none";

    public static string Time(Timestamp? timestamp, string format = FullTime) =>
        timestamp is null ? "" : Time(timestamp.ToDateTimeOffset(), format);

    public static string Time(DateTimeOffset time, string format = FullTime) =>
        time.ToUniversalTime().ToString(format, CultureInfo.InvariantCulture);
}
