using Grpc.Core;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>
/// Read models (search, graph, resolution) apply a contribution shortly after Records acknowledges it: a test
/// queries until the answer shows it, up to a limit, and then asserts on the last answer. Until then a read model
/// may not know the thing asked about at all (NOT_FOUND), which also means "not yet".
/// </summary>
public static class Projected
{
    public static async Task<T> Eventually<T>(Func<Task<T>> query, Func<T, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                var result = await query();
                if (done(result) || DateTime.UtcNow > deadline)
                {
                    return result;
                }
            }
            catch (RpcException notYet) when (notYet.StatusCode == StatusCode.NotFound && DateTime.UtcNow <= deadline)
            {
            }

            await Task.Delay(100);
        }
    }
}
