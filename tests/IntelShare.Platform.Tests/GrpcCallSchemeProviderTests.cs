using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IntelShare.Platform.Tests;

/// <summary>Schemes that answer requests themselves (OpenIddict's endpoints) are offered plain HTTP requests only, never gRPC calls.</summary>
public sealed class GrpcCallSchemeProviderTests
{
    [Theory]
    [InlineData("application/grpc", false)]
    [InlineData("application/grpc+proto", false)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/x-www-form-urlencoded", true)]
    [InlineData(null, true)]
    public async Task Only_plain_http_requests_reach_request_handler_schemes(string? contentType, bool offered)
    {
        var options = new AuthenticationOptions();
        options.AddScheme<EndpointHandler>("endpoint", null);
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext { Request = { ContentType = contentType } } };
        var provider = new GrpcCallSchemeProvider(Options.Create(options), http);

        var schemes = await provider.GetRequestHandlerSchemesAsync();

        Assert.Equal(offered, schemes.Any(scheme => scheme.Name == "endpoint"));
        Assert.NotNull(await provider.GetSchemeAsync("endpoint"));
    }

    [Fact]
    public async Task Outside_a_request_every_request_handler_scheme_is_listed()
    {
        var options = new AuthenticationOptions();
        options.AddScheme<EndpointHandler>("endpoint", null);
        var provider = new GrpcCallSchemeProvider(Options.Create(options), new HttpContextAccessor());

        Assert.Contains(await provider.GetRequestHandlerSchemesAsync(), scheme => scheme.Name == "endpoint");
    }

    private sealed class EndpointHandler : IAuthenticationRequestHandler
    {
        public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());

        public Task ChallengeAsync(AuthenticationProperties? properties) => Task.CompletedTask;

        public Task ForbidAsync(AuthenticationProperties? properties) => Task.CompletedTask;

        public Task<bool> HandleRequestAsync() => Task.FromResult(false);

        public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context) => Task.CompletedTask;
    }
}
