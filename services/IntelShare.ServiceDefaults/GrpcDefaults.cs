using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using IntelShare.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.ServiceDefaults;

public static class GrpcDefaults
{
    public static IHostApplicationBuilder AddIntelShareGrpc(this IHostApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection("Grpc");
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = limits.GetValue("MaxReceiveMessageSize", 4 * 1024 * 1024);
            options.MaxSendMessageSize = limits.GetValue("MaxSendMessageSize", 16 * 1024 * 1024);
            options.Interceptors.Add<ForegroundActivityInterceptor>();
            options.Interceptors.Add<DomainErrorInterceptor>();
            // Inside DomainErrorInterceptor, which maps what it refuses.
            options.Interceptors.Add<RequestShapeInterceptor>();
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(services => new ForegroundActivity(services.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton(new CallThreadOptions(builder.Configuration.GetValue("Scheduling:BatchCallThreads", true)));
        builder.Services.AddGrpcReflection();
        return builder;
    }
}

/// <summary>Maps domain errors to gRPC statuses, with google.rpc.BadRequest details for invalid input.</summary>
public sealed class DomainErrorInterceptor(ILogger<DomainErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (DomainException error)
        {
            throw Map(error, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (DomainException error)
        {
            throw Map(error, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (DomainException error)
        {
            throw Map(error, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (DomainException error)
        {
            throw Map(error, context);
        }
    }

    private RpcException Map(DomainException error, ServerCallContext context)
    {
        logger.LogInformation("{Method} refused: {Reason}", context.Method, error.Message);
        return ToRpcException(error);
    }

    // The status travels in response headers, which clients cap (64 KiB in .NET): a message echoing a megabyte id or
    // listing fifty thousand bad phones would reach the caller as UNAVAILABLE instead of what was wrong.
    private const int MaxMessageLength = 1_000;
    private const int MaxViolations = 50;
    private const int MaxFieldLength = 200;
    private const int MaxDescriptionLength = 300;

    public static RpcException ToRpcException(DomainException error)
    {
        var status = new Google.Rpc.Status { Message = Shorten(error.Message, MaxMessageLength) };
        switch (error)
        {
            case ValidationFailedException invalid:
                status.Code = (int)Code.InvalidArgument;
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(invalid.Violations.Take(MaxViolations).Select(v => new BadRequest.Types.FieldViolation
                {
                    Field = Shorten(v.Field, MaxFieldLength),
                    Description = Shorten(v.Description, MaxDescriptionLength),
                }));
                if (invalid.Violations.Count > MaxViolations)
                {
                    badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation
                    {
                        Field = "(more)",
                        Description = $"and {invalid.Violations.Count - MaxViolations:N0} more problems of the same request",
                    });
                }

                status.Details.Add(Any.Pack(badRequest));
                break;
            case NotFoundException:
                status.Code = (int)Code.NotFound;
                break;
            case PermissionDeniedException:
                status.Code = (int)Code.PermissionDenied;
                break;
            case PreconditionFailedException:
                status.Code = (int)Code.FailedPrecondition;
                break;
            case DataLossException:
                status.Code = (int)Code.DataLoss;
                break;
            case UnavailableException:
                status.Code = (int)Code.Unavailable;
                break;
            default:
                status.Code = (int)Code.Internal;
                break;
        }

        return status.ToRpcException();
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
