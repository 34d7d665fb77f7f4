using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace IntelShare.Domain;

/// <summary>
/// Work nobody is waiting on (projections catching up, index merges) runs on threads the operating system schedules
/// after everyone else's. On a small machine an intake burst and the reads analysts wait for then keep their CPU,
/// and the read models catch up with whatever is left; on an idle machine they still get all of it.
/// On Linux a thread inherits the priority of the thread that starts it, and the thread pool starts a worker on
/// the thread that queues work when none is idle: background work therefore keeps its parallel loops on
/// <see cref="Scheduler"/>. A pool worker that is still started from a background thread (say, to run a
/// continuation the background work completed) runs at the background priority, which costs that worker its
/// precedence but no more than sharing the CPU equally, as every thread did before.
/// </summary>
public static class BackgroundPriority
{
    /// <summary>Linux nice value of background threads: a nice-0 thread gets about nine times their share of a busy core.</summary>
    public const int Nice = 10;

    private static readonly Lazy<BackgroundTaskScheduler> SharedScheduler = new(
        () => new BackgroundTaskScheduler(Math.Max(4, 2 * Environment.ProcessorCount), Environment.ProcessorCount));

    /// <summary>
    /// Runs tasks on low-priority threads of their own. Continuations of awaits inside such a task stay on these
    /// threads, so a whole asynchronous loop can be moved off the request thread pool; Parallel loops stay too when
    /// given TaskScheduler.Current (their default is the thread pool).
    /// </summary>
    public static TaskScheduler Scheduler => SharedScheduler.Value;

    /// <summary>
    /// Runs <paramref name="work"/> (and everything it awaits) on <see cref="Scheduler"/>. Whoever awaits the result
    /// resumes on the thread pool, not inline on the background thread that finished the work.
    /// </summary>
    public static Task Run(Func<Task> work, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap().ContinueWith(
            static (finished, state) =>
            {
                var completion = (TaskCompletionSource)state!;
                if (finished.IsFaulted)
                {
                    completion.SetException(finished.Exception!.InnerExceptions);
                }
                else if (finished.IsCanceled)
                {
                    completion.SetCanceled();
                }
                else
                {
                    completion.SetResult();
                }
            },
            completion,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return completion.Task;
    }

    /// <summary>Lowers the calling thread's CPU priority; only for threads that do background work from then on.</summary>
    public static void LowerCurrentThread()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // .NET ignores Thread.Priority on Linux, while a thread's own nice value is honoured by the scheduler.
                // A process started nicer still keeps its own value: raising priority back would need privileges.
                _ = SetPriority(ProcessPriorityWhich, GetThreadId(), Math.Max(Nice, CurrentThreadNice()));
            }
            catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
            {
                // A libc without gettid: the work runs at normal priority, which is only slower under load.
            }
        }
        else if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        }
    }

    /// <summary>The calling thread's nice value on Linux (0 elsewhere), for tests and diagnostics.</summary>
    public static int CurrentThreadNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        // Field 19 of /proc/thread-self/stat; the command name before it may contain spaces, so count from its ')'.
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    private const int ProcessPriorityWhich = 0;

    // Plain int arguments need no marshalling (and so no source-generated, unsafe stubs).
    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    private sealed class BackgroundTaskScheduler : TaskScheduler
    {
        [ThreadStatic]
        private static bool _isBackgroundThread;

        private readonly BlockingCollection<Task> _queue = [];
        private readonly int _concurrency;

        public BackgroundTaskScheduler(int threads, int concurrency)
        {
            _concurrency = concurrency;
            for (var i = 0; i < threads; i++)
            {
                new Thread(Work) { IsBackground = true, Name = "intelshare-background" }.Start();
            }
        }

        /// <summary>Parallel loops split into as many parts as there are cores, not threads.</summary>
        public override int MaximumConcurrencyLevel => _concurrency;

        protected override void QueueTask(Task task) => _queue.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            _isBackgroundThread && TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

        private void Work()
        {
            _isBackgroundThread = true;
            LowerCurrentThread();
            foreach (var task in _queue.GetConsumingEnumerable())
            {
                TryExecuteTask(task);
            }
        }
    }
}
