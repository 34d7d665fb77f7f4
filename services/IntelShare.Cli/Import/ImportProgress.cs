using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IntelShare.Cli.Import;

/// <summary>Where an import reports rows acknowledged and things worth saying while it runs.</summary>
internal interface IImportProgress
{
    void Advance(long rows);

    void Note(string message);
}

/// <summary>
/// A live progress bar on an interactive console; elsewhere (CI logs, pipes, tests) a plain line
/// every few seconds, because redrawn bars turn into noise there.
/// </summary>
internal static class ImportProgress
{
    public static async Task<T> RunAsync<T>(IAnsiConsole console, TimeSpan interval, string description, long total, Func<IImportProgress, Task<T>> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await work(new LineProgress(console, interval, total));
        }

        return await console.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn { Width = 15 },
                new PercentageColumn(),
                new RowRateColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total));
                var result = await work(new LiveProgress(console, task));
                task.Value = task.MaxValue;
                return result;
            });
    }

    private sealed class LiveProgress(IAnsiConsole console, ProgressTask task) : IImportProgress
    {
        public void Advance(long rows)
        {
            // The row count is an estimate (quoted line breaks); never let the bar claim more than all.
            if (task.Value + rows > task.MaxValue)
            {
                task.MaxValue = task.Value + rows;
            }

            task.Increment(rows);
        }

        public void Note(string message) => console.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");
    }

    private sealed class LineProgress(IAnsiConsole console, TimeSpan interval, long total) : IImportProgress
    {
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();
        private TimeSpan _lastLine;
        private long _done;

        public void Advance(long rows)
        {
            _done += rows;
            if (_elapsed.Elapsed - _lastLine < interval)
            {
                return;
            }

            _lastLine = _elapsed.Elapsed;
            var rate = _done / Math.Max(_elapsed.Elapsed.TotalSeconds, 0.001);
            var remaining = rate > 0 && total > _done ? TimeSpan.FromSeconds((total - _done) / rate) : TimeSpan.Zero;
            var percent = total > 0 ? Math.Min(100, 100.0 * _done / total) : 100;
            console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{_done:N0} of {total:N0} rows ({percent:0}%), {rate:N0} rows/s, elapsed {_elapsed.Elapsed:hh\\:mm\\:ss}, remaining {remaining:hh\\:mm\\:ss}"));
        }

        public void Note(string message) => console.WriteLine(message);
    }

    private sealed class RowRateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? string.Create(CultureInfo.InvariantCulture, $"{speed:N0} rows/s") : "- rows/s", new Style(Color.Aqua));
    }
}
