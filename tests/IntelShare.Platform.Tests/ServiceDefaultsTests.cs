using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntelShare.Platform.Tests;

public sealed class ServiceDefaultsTests
{
    [Fact]
    public void Kestrel_runs_connection_reads_and_writes_inline_unless_configured_off()
    {
        Assert.True(TransportOptions().UnsafePreferInlineScheduling);
        Assert.False(TransportOptions("--Kestrel:InlineTransportScheduling=false").UnsafePreferInlineScheduling);
    }

    private static SocketTransportOptions TransportOptions(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
    }
}
