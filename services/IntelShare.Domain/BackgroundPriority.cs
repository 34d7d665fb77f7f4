using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IntelShare.Domain;

/// <summary>
/// Work nobody is waiting on (projections catching up, index merges) runs on threads the operating system schedules
/// after everyone else's. On a small machine an intake burst and the reads analysts wait for then keep their CPU,
/// and the read models catch up with whatever is left; on an idle machine they still get all of it.
/// On Linux these threads use the SCHED_IDLE policy: a thread woken to serve a call preempts one of them at once,
/// and a core running only them counts as free when the kernel places that thread. A nice value alone does neither:
/// a niced thread keeps its core for the rest of its slice (1.4 ms on two cores), so each of a call's thread hand-overs
/// could wait that long behind a read model catching up (Get p99 during a catch-up on two cores: 5.1-6.9 ms niced,
/// 4.1-5.7 ms under SCHED_IDLE). Where the kernel refuses SCHED_IDLE the threads keep nice <see cref="Nice"/>.
/// On Linux a thread inherits the priority of the thread that starts it, and the thread pool starts a worker on
/// the thread that queues work when none is idle: background work therefore keeps its parallel loops on its own
/// threads (<see cref="Run"/>). A pool worker that is still started from a background thread (say, to run a
/// continuation the background work completed) runs at the background priority for its life: it serves calls as
/// fast as any while a core is free, and only waits when normal-priority work keeps both busy. A call waiting on a
/// lock a background thread holds (an oversight query waiting for the audit index's batch in progress) waits the
/// same way; work that callers wait on for longer moves to normal threads (<see cref="SetUrgentAsync"/>).
/// </summary>
public static class BackgroundPriority
{
    /// <summary>Linux nice value of background threads: a nice-0 thread gets about nine times their share of a busy core.</summary>
    public const int Nice = 10;

    /// <summary>
    /// Runs <paramref name="work"/> (and everything it awaits) on low-priority threads of its own, named
    /// <paramref name="name"/>, as many as there are cores. Continuations of awaits inside it stay on these threads,
    /// so a whole asynchronous loop is moved off the request thread pool; Parallel loops stay too when given
    /// TaskScheduler.Current (their default is the thread pool). Each piece of work has its own threads, so that
    /// one that blocks or runs long (a re-cluster, a large merge) never queues another's next step behind it: the
    /// operating system shares the cores between them. Whoever awaits the result resumes on the thread pool, not
    /// inline on the background thread that finished the work.
    /// </summary>
    /// <param name="mayBeUrgent">Whether the work may call <see cref="SetUrgentAsync"/>: its normal-priority threads are then
    /// started here, by the caller, since a thread inherits the priority of the thread that starts it.</param>
    public static Task Run(string name, Func<Task> work, CancellationToken cancellationToken, bool mayBeUrgent = false)
    {
        var scheduler = new BackgroundTaskScheduler(name, Environment.ProcessorCount, mayBeUrgent);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap().ContinueWith(
            static (finished, state) =>
            {
                var (completion, scheduler) = ((TaskCompletionSource, BackgroundTaskScheduler))state!;
                scheduler.Retire();
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
            (completion, scheduler),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return completion.Task;
    }

    /// <summary>How long background work runs at most, while calls are being served, before it sleeps for a moment.</summary>
    public static readonly TimeSpan SliceWhileCalls = TimeSpan.FromMilliseconds(0.5);

    /// <summary>
    /// How long background work sleeps after each slice while calls are being served. It must block, not yield: a yield
    /// leaves it runnable, and the scheduler may pick it again at once.
    /// </summary>
    public static readonly TimeSpan SleepWhileCalls = TimeSpan.FromMilliseconds(1);

    // Back-to-back calls leave gaps of a fraction of a millisecond between them: that is still serving calls.
    private static readonly TimeSpan CallGap = TimeSpan.FromMilliseconds(5);

    [ThreadStatic]
    private static bool t_lowered;

    [ThreadStatic]
    private static long t_sliceStarted;

    /// <summary>
    /// Called by background work between two small steps (a document indexed, an audit entry written): on a
    /// low-priority thread, while this process serves calls, it sleeps for <see cref="SleepWhileCalls"/> once it has run
    /// for <see cref="SliceWhileCalls"/>; elsewhere, and on an idle process, it returns at once.
    /// <para>
    /// A low priority alone does not keep background work from holding up a call. Linux's fair scheduler (EEVDF) still
    /// owes a SCHED_IDLE or niced thread a small share of the time, and pays it out by running the thread while a call's
    /// thread waits on the same core, for a whole time slice: until the next scheduler tick, up to 4 ms at 250 Hz.
    /// Traced on two cores, the Gets slower than 2 ms waited just so, behind the audit index's thread. A thread that
    /// sleeps after half a millisecond can hold a call up for no longer than that.
    /// </para>
    /// </summary>
    public static void YieldToCalls()
    {
        if (!t_lowered)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (t_sliceStarted == 0)
        {
            t_sliceStarted = now;
            return;
        }

        if (Stopwatch.GetElapsedTime(t_sliceStarted, now) < SliceWhileCalls)
        {
            return;
        }

        if (ForegroundActivity.ProcessIsBusy(CallGap))
        {
            Thread.Sleep(SleepWhileCalls);
        }

        t_sliceStarted = Stopwatch.GetTimestamp();
    }

    /// <summary>Lowers the calling thread's CPU priority; only for threads that do background work from then on.</summary>
    public static void LowerCurrentThread()
    {
        t_lowered = true;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // .NET ignores Thread.Priority on Linux, while a thread's own nice value is honoured by the scheduler.
                // A process started nicer still keeps its own value: raising priority back would need privileges.
                _ = SetPriority(ProcessPriorityWhich, GetThreadId(), Math.Max(Nice, CurrentThreadNice()));

                // Then SCHED_IDLE where allowed (a container's seccomp profile may refuse it); the nice value stays
                // as the fallback. Pid 0 is the calling thread.
                var parameters = default(SchedulingParameters);
                _ = SetScheduler(0, SchedIdle, ref parameters);
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

    [ThreadStatic]
    private static bool t_servesCalls;

    /// <summary>
    /// Called on a pool thread about to serve a call: on Linux it moves, once for its life, to the SCHED_BATCH policy,
    /// which differs from the normal one only in that the thread, when woken, does not preempt the thread running on
    /// its core: it runs once that one blocks or has had its slice. It still preempts background work (SCHED_IDLE).
    /// <para>
    /// Serving one Get hands work from pool thread to pool thread a few times (the request, the response, its
    /// frames), and .NET wakes the next thread by signalling a condition variable while it holds the mutex. Woken with
    /// preemption on the same core, the new thread ran at once, found the mutex still held, and slept again: two
    /// extra switches per hand-over, each a trap to the hypervisor on a virtual machine. Traced on two cores during
    /// back-to-back Gets, the pool threads' involuntary switches fell from about 6,000 to 1,100 a second and their
    /// voluntary ones from 10,000 to 5,500. The cost: a call thread woken behind another busy call thread waits for its
    /// slice to end (a scheduler tick at most) where it used to preempt it, unless another core is free.
    /// </para>
    /// </summary>
    public static void ServeCallsOnThisThread()
    {
        if (t_servesCalls || t_lowered || !OperatingSystem.IsLinux())
        {
            return;
        }

        t_servesCalls = true;
        try
        {
            // A pool thread started by background work inherited SCHED_IDLE; serving a call, it leaves it too.
            var parameters = default(SchedulingParameters);
            _ = SetScheduler(0, SchedBatch, ref parameters);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without sched_setscheduler: the thread keeps the normal policy.
        }
    }

    /// <summary>Whether the calling thread runs under the SCHED_BATCH policy (Linux only), for tests and diagnostics.</summary>
    public static bool CurrentThreadIsBatchScheduled() => OperatingSystem.IsLinux() && GetScheduler(0) == SchedBatch;

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

    /// <summary>Whether the calling thread runs under the SCHED_IDLE policy (Linux only), for tests and diagnostics.</summary>
    public static bool CurrentThreadIsIdleScheduled() => OperatingSystem.IsLinux() && GetScheduler(0) == SchedIdle;

    private const int ProcessPriorityWhich = 0;
    private const int SchedBatch = 3;
    private const int SchedIdle = 5;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedulingParameters
    {
        public int Priority;
    }

    [DllImport("libc", EntryPoint = "sched_setscheduler")]
    private static extern int SetScheduler(int pid, int policy, ref SchedulingParameters parameters);

    [DllImport("libc", EntryPoint = "sched_getscheduler")]
    private static extern int GetScheduler(int pid);

    // Plain int arguments need no marshalling (and so no source-generated, unsafe stubs).
    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    /// <summary>
    /// Within work started by <see cref="Run"/> with mayBeUrgent: moves it, from the await of this call on, to threads
    /// of normal priority when <paramref name="urgent"/>, back to its low-priority threads otherwise.
    /// For work a user is waiting on for a while, such as a read model that must show a contribution within a second.
    /// The switch is between two sets of threads, since an unprivileged thread may lower its priority but never raise
    /// it again. Elsewhere it does nothing.
    /// </summary>
    public static PrioritySwitch SetUrgentAsync(bool urgent)
    {
        if (BackgroundTaskScheduler.Owner is { } scheduler)
        {
            scheduler.Urgent = urgent;
            if (scheduler.Urgent != BackgroundTaskScheduler.OnUrgentThread)
            {
                return new PrioritySwitch(scheduler);
            }
        }

        return default;
    }

    /// <summary>
    /// Awaited, continues on the threads just chosen: the continuation is always queued to the work's scheduler,
    /// never run on in place (an await of a task that completed in the meantime would carry on on the old thread).
    /// </summary>
    public readonly struct PrioritySwitch : INotifyCompletion
    {
        private readonly TaskScheduler? _scheduler;

        internal PrioritySwitch(TaskScheduler scheduler) => _scheduler = scheduler;

        public bool IsCompleted => _scheduler is null;

        public PrioritySwitch GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) =>
            Task.Factory.StartNew(continuation, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler ?? TaskScheduler.Default);
    }

    private sealed class BackgroundTaskScheduler : TaskScheduler
    {
        [ThreadStatic]
        private static BackgroundTaskScheduler? _owner;

        [ThreadStatic]
        private static bool _onUrgentThread;

        private readonly string _name;
        private readonly int _threads;
        private readonly BlockingCollection<Task> _queue = [];
        private readonly BlockingCollection<Task>? _urgentQueue;
        private volatile bool _urgent;

        public BackgroundTaskScheduler(string name, int threads, bool mayBeUrgent)
        {
            _name = name;
            _threads = threads;
            _urgentQueue = mayBeUrgent ? StartThreads([], lower: false) : null;
            StartThreads(_queue, lower: true);
        }

        public static BackgroundTaskScheduler? Owner => _owner;

        public static bool OnUrgentThread => _onUrgentThread;

        public bool Urgent
        {
            get => _urgent;
            set => _urgent = value && _urgentQueue is not null;
        }

        /// <summary>Parallel loops split into as many parts as there are threads (one per core).</summary>
        public override int MaximumConcurrencyLevel => _threads;

        /// <summary>Lets the threads end once what is queued has run; anything queued later runs on the thread pool.</summary>
        public void Retire()
        {
            _queue.CompleteAdding();
            _urgentQueue?.CompleteAdding();
        }

        protected override void QueueTask(Task task)
        {
            var queue = _urgent ? _urgentQueue! : _queue;
            try
            {
                queue.Add(task);
            }
            catch (InvalidOperationException) when (queue.IsAddingCompleted)
            {
                // A straggler (say, a parallel loop's spare replica) after the work finished: nothing waits on it at
                // background priority any more.
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Scheduler.TryExecuteTask(state.Task), (Scheduler: this, Task: task), preferLocal: false);
            }
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            _owner == this && TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() =>
            [.. _queue, .. _urgentQueue ?? []];

        private BlockingCollection<Task> StartThreads(BlockingCollection<Task> queue, bool lower)
        {
            for (var i = 0; i < _threads; i++)
            {
                new Thread(() => Work(queue, lower)) { IsBackground = true, Name = _name }.Start();
            }

            return queue;
        }

        private void Work(BlockingCollection<Task> queue, bool lower)
        {
            _owner = this;
            _onUrgentThread = !lower;
            if (lower)
            {
                LowerCurrentThread();
            }

            foreach (var task in queue.GetConsumingEnumerable())
            {
                TryExecuteTask(task);
            }
        }
    }
}
