using IntelShare.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Which address the all-in-one host listens on. Every test that starts the host as a process gives it --urls, so a host
/// that ignored --urls would not be found there; these cover the other ways an address is given, and none.
/// </summary>
public sealed class HostAddressTests
{
    [Theory]
    [InlineData(new string[0], DefaultAddress.Url)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:6123" }, "http://127.0.0.1:6123")]
    // The container image is run with ASPNETCORE_HTTP_PORTS (k8s/host.yaml): no default may override it.
    [InlineData(new[] { "--http_ports", "8080" }, null)]
    [InlineData(new[] { "--Kestrel:Endpoints:Grpc:Url", "http://127.0.0.1:6124" }, null)]
    public void The_host_listens_where_it_is_told_and_else_on_the_documented_address(string[] args, string? urls)
    {
        var builder = WebApplication.CreateBuilder(args).ListenOnDefaultAddressUnlessGiven();

        Assert.Equal(urls, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }
}
