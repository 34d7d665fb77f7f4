using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using IntelShare.Contracts;
using IntelShare.Domain;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// Refuses, with INVALID_ARGUMENT naming each field, a request that breaks <see cref="MessageShape"/> before any
/// service sees it. Client streams are checked by their service, record by record, so that one bad record in a bulk
/// intake is rejected alone; so are requests marked <see cref="IShapeCheckedByService"/>, with their content's problems.
/// </summary>
public sealed class RequestShapeInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    private static void Check(object request)
    {
        if (request is IMessage message and not IShapeCheckedByService)
        {
            var violations = new Violations();
            MessageShape.Check(message, "", violations.Add);
            violations.ThrowIfAny();
        }
    }
}
