using Grpc.Core;
using Grpc.Core.Interceptors;
using IntelShare.Domain;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// Counts each request/response call as someone waiting (<see cref="ForegroundActivity"/>). Streams are not: they are
/// bulk intake, which projections already stand back from, and change feeds, which are the projections' own reading.
/// Health probes, reflection and projection status are not either, as nobody waits on them for work.
/// The thread serving a counted call is moved to the scheduling policy for call threads once
/// (<see cref="BackgroundPriority.ServeCallsOnThisThread"/>), unless <see cref="CallThreadOptions.BatchCallThreads"/> is off.
/// </summary>
public sealed class ForegroundActivityInterceptor(ForegroundActivity activity, CallThreadOptions options) : Interceptor
{
    private static readonly string[] OperationalServices =
    [
        "/grpc.health.v1.Health/",
        "/grpc.reflection.",
        "/intelshare.v1.ProjectionsService/",
    ];

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (IsOperational(context.Method))
        {
            return await continuation(request, context);
        }

        if (options.BatchCallThreads)
        {
            BackgroundPriority.ServeCallsOnThisThread();
        }

        using var call = activity.Begin();
        return await continuation(request, context);
    }

    private static bool IsOperational(string method)
    {
        foreach (var prefix in OperationalServices)
        {
            if (method.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Scheduling of the threads that serve calls (Scheduling:BatchCallThreads, on by default).</summary>
public sealed record CallThreadOptions(bool BatchCallThreads);
