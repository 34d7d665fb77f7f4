using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using IntelShare.Domain;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// gRPC parses a unary or server-streaming request before any interceptor runs, and a streamed one inside the service's
/// read, so a body that is not a message of the method's type failed as an exception of the handler: UNKNOWN, and an
/// error with its stack in the log. Every generated service is bound here as grpc-dotnet binds it, with the same
/// handlers, attributes and routes, but with a request marshaller that refuses such a body as INVALID_ARGUMENT naming
/// the request (or, in a stream, the message by its position). It replaces grpc-dotnet's binder
/// (<c>BinderServiceMethodProvider</c>), which would bind every method a second time.
/// The request is still parsed only after authentication and authorisation, which run before the endpoint.
/// </summary>
public static class MalformedRequests
{
    public static void BindServicesWithRequestParsingChecked(this IServiceCollection services)
    {
        if (services.Any(d => d.ImplementationType == typeof(CheckedRequestMethodProvider<>)))
        {
            return;
        }

        // grpc-dotnet's other provider (ServiceDefinitionMethodProvider) binds only services mapped from a
        // ServerServiceDefinition, which no IntelShare service is, and stays. A grpc-dotnet version that binds generated
        // services otherwise must be looked at, not started with.
        var binders = services.Where(IsGrpcDotnetBinder).ToList();
        if (binders is not [var binder])
        {
            throw new InvalidOperationException(
                $"Expected grpc-dotnet to register one BinderServiceMethodProvider<> for IServiceMethodProvider<>, found {binders.Count}.");
        }

        services.Remove(binder);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(CheckedRequestMethodProvider<>));
    }

    /// <summary>
    /// Stops a service at start whose gRPC methods would be bound twice, once unchecked: an AddGrpc made after
    /// AddServiceDefaults registers grpc-dotnet's binder again, and calls would find two endpoints for one route.
    /// </summary>
    public static void EnsureServicesBoundChecked(IServiceProvider services)
    {
        var providers = services.GetServices<IServiceMethodProvider<Grpc.HealthCheck.HealthServiceImpl>>().ToList();
        if (!providers.OfType<CheckedRequestMethodProvider<Grpc.HealthCheck.HealthServiceImpl>>().Any()
            || providers.Any(p => p.GetType().Name == GrpcDotnetBinderName))
        {
            throw new InvalidOperationException(
                "gRPC services would be bound by " + string.Join(", ", providers.Select(p => p.GetType().Name)) +
                ": call AddGrpc before AddServiceDefaults, which binds them with their requests' parsing checked.");
        }
    }

    private const string GrpcDotnetBinderName = "BinderServiceMethodProvider`1";

    private static bool IsGrpcDotnetBinder(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IServiceMethodProvider<>)
        && descriptor.ImplementationType is { IsGenericTypeDefinition: true, Name: GrpcDotnetBinderName };

    /// <summary>The refusal of a request body that is not a message of its type; <paramref name="field"/> names it.</summary>
    internal static RpcException Refusal(string field, string messageType, string reason, int? position = null) =>
        new MalformedRequestException(
            DomainErrorInterceptor.ToRpcException(new ValidationFailedException(
            [
                new FieldViolation(field, position is { } at
                    ? $"the stream's message at position {at} (counting from 0) is not a valid {messageType}: {reason}"
                    : $"is not a valid {messageType}: {reason}"),
            ])),
            messageType,
            reason);
}

/// <summary>A request body that did not parse; kept apart so that a stream's reader can say which message it was.</summary>
internal sealed class MalformedRequestException(RpcException refusal, string messageType, string reason)
    : RpcException(refusal.Status, refusal.Trailers, refusal.Message)
{
    public string MessageType { get; } = messageType;

    public string Reason { get; } = reason;

    /// <summary>
    /// None: grpc-dotnet logs every failed read with its exception ("Error reading message.", at information), and
    /// the frames of the parser and the pipe reader say nothing of the platform, only that a caller sent a bad body,
    /// which the exception's message says in a line.
    /// </summary>
    public override string? StackTrace => null;
}

internal sealed class CheckedRequestMethodProvider<TService>(ILogger<CheckedRequestMethodProvider<TService>> logger) : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        // Generated service bases carry [BindServiceMethod] naming their static BindService(ServiceBinderBase, base).
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind)
            {
                var bindService = bind.BindType.GetMethod(
                    bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                    ?? throw new InvalidOperationException($"{bind.BindType} has no {bind.BindMethodName}(ServiceBinderBase, {type}).");
                bindService.Invoke(null, [new Binder(context, type, logger), null]);
                return;
            }
        }

        // Not a generated service (as grpc-dotnet's binder, bind nothing: another provider may).
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase, ILogger logger) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(
                Checked(method), metadata, (service, requests, call) => invoker(service, new PositionedReader<TRequest>(requests), call));
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(
                Checked(method), metadata, (service, requests, responses, call) => invoker(service, new PositionedReader<TRequest>(requests), responses, call));
        }

        /// <summary>The method with its request parser's failures turned into <see cref="MalformedRequests.Refusal"/>.</summary>
        private Method<TRequest, TResponse> Checked<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var parse = method.RequestMarshaller.ContextualDeserializer;
            var messageType = typeof(TRequest).GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Google.Protobuf.Reflection.MessageDescriptor descriptor
                ? descriptor.FullName
                : typeof(TRequest).Name;
            var fullName = method.FullName;
            var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, body =>
            {
                try
                {
                    return parse(body);
                }
                catch (InvalidProtocolBufferException error)
                {
                    logger.LogInformation("{Method} refused: a request message is not a valid {MessageType}: {Reason}", fullName, messageType, error.Message);
                    throw MalformedRequests.Refusal("request", messageType, error.Message);
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }

        /// <summary>
        /// The service's override of the generated method, called on the instance each call is given, and the
        /// endpoint metadata grpc-dotnet gives it (the service's attributes, then the method's, then POST only), so
        /// that authorisation attributes apply as before.
        /// </summary>
        private (TDelegate Invoker, List<object> Metadata) Handler<TDelegate>(string name, params Type[] parameters) where TDelegate : Delegate
        {
            var handler = Override(name, parameters) ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        // A public method of the same name that does not override the generated one (declared with 'new') hides it:
        // it is passed over for the override further down, as grpc-dotnet does.
        private MethodInfo? Override(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var found = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
                if (found is null)
                {
                    return null;
                }

                if (found.IsVirtual && found.GetBaseDefinition().DeclaringType == serviceBase)
                {
                    return found;
                }
            }

            return null;
        }
    }
}

/// <summary>Counts a stream's messages, so that one that does not parse is named by its position.</summary>
internal sealed class PositionedReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
{
    private int _read;

    public T Current => inner.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        Task<bool> next;
        try
        {
            next = inner.MoveNext(cancellationToken);
        }
        catch (MalformedRequestException error)
        {
            throw At(error);
        }

        if (next.IsCompletedSuccessfully)
        {
            _read += next.Result ? 1 : 0;
            return next;
        }

        return Awaited(next);
    }

    private async Task<bool> Awaited(Task<bool> next)
    {
        try
        {
            var read = await next;
            _read += read ? 1 : 0;
            return read;
        }
        catch (MalformedRequestException error)
        {
            throw At(error);
        }
    }

    private RpcException At(MalformedRequestException error) =>
        MalformedRequests.Refusal($"request[{_read}]", error.MessageType, error.Reason, _read);
}
