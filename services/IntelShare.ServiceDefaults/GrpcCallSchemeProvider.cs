using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// The authentication middleware offers every request to each scheme that can answer requests itself, which
/// in a process hosting Identity is OpenIddict's server: its whole request pipeline ran for every gRPC call, a
/// measurable share of a call's CPU. Those schemes serve only plain HTTP endpoints (token, discovery), so a gRPC
/// call is not offered to them; bearer authentication of the call itself is unchanged.
/// </summary>
public sealed class GrpcCallSchemeProvider(IOptions<AuthenticationOptions> options, IHttpContextAccessor http) : AuthenticationSchemeProvider(options)
{
    public override Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync() =>
        http.HttpContext is { } context && IsGrpcCall(context.Request)
            ? Task.FromResult(Enumerable.Empty<AuthenticationScheme>())
            : base.GetRequestHandlerSchemesAsync();

    /// <summary>gRPC and gRPC-Web calls, whatever their message encoding (application/grpc, application/grpc+proto, ...).</summary>
    public static bool IsGrpcCall(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
