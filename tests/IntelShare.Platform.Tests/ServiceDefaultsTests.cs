using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
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

    [Fact]
    public void A_data_directory_that_cannot_be_created_says_which_setting_to_change()
    {
        using var work = new TemporaryDirectory();
        // A regular file where a directory should be: unusable even for root, unlike a read-only directory.
        var file = Path.Combine(work.Path, "not-a-directory");
        File.WriteAllText(file, "");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [DataDirectory.ConfigurationKey] = Path.Combine(file, "data") })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => DataDirectory.Resolve(configuration, "audit"));

        Assert.Contains(Path.Combine(file, "data", "audit"), error.Message);
        Assert.Contains("IntelShare__DataDirectory", error.Message);
    }

    [Fact]
    public void A_usable_data_directory_is_created_and_left_without_the_write_check()
    {
        using var work = new TemporaryDirectory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [DataDirectory.ConfigurationKey] = Path.Combine(work.Path, "data") })
            .Build();

        var path = DataDirectory.Resolve(configuration, "search");

        Assert.Equal(Path.Combine(work.Path, "data", "search"), path);
        Assert.Empty(Directory.EnumerateFileSystemEntries(path));
    }

    private static SocketTransportOptions TransportOptions(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
    }
}
