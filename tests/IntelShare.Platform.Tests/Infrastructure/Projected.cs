namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>
/// Read models (search, graph, resolution) apply a contribution shortly after Records acknowledges it: a test
/// queries until the answer shows it, up to a limit, and then asserts on the last answer.
/// </summary>
public static class Projected
{
    public static async Task<T> Eventually<T>(Func<Task<T>> query, Func<T, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var result = await query();
            if (done(result) || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(100);
        }
    }
}
