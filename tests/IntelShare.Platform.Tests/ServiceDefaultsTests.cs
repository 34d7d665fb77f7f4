using System.Runtime.Versioning;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Domain;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.ServiceDefaults;
using IntelShare.Testing;
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

    [Fact]
    public async Task A_host_that_cannot_use_its_data_directory_exits_with_code_1_and_says_why()
    {
        using var work = new TemporaryDirectory();
        var file = Path.Combine(work.Path, "not-a-directory");
        File.WriteAllText(file, "");

        var (exitCode, output) = await HostProcess.RunUntilExitAsync("IntelShare.Host", work.Path, Path.Combine(file, "data"), TimeSpan.FromSeconds(90));

        Assert.Equal(1, exitCode);
        Assert.Contains("IntelShare.Host did not start: The data directory", output);
        Assert.Contains("IntelShare__DataDirectory", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    private static SocketTransportOptions TransportOptions(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
    }
}

public sealed class CallThreadSchedulingTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_thread_serving_a_call_is_moved_to_the_batch_policy_once_unless_configured_off()
    {
        Assert.True(OperatingSystem.IsLinux(), "The scheduling policies are Linux's.");

        var served = await PolicyOfThreadServing(new CallThreadOptions(BatchCallThreads: true), "/intelshare.v1.RecordsService/Get");
        var configuredOff = await PolicyOfThreadServing(new CallThreadOptions(BatchCallThreads: false), "/intelshare.v1.RecordsService/Get");
        var probe = await PolicyOfThreadServing(new CallThreadOptions(BatchCallThreads: true), "/grpc.health.v1.Health/Check");

        Assert.True(served);
        Assert.False(configuredOff);
        Assert.False(probe);
    }

    /// <summary>Serves one call through the interceptor on a thread of its own, and says whether that thread ran under SCHED_BATCH.</summary>
    private static Task<bool> PolicyOfThreadServing(CallThreadOptions options, string method)
    {
        var result = new TaskCompletionSource<bool>();
        var thread = new Thread(() =>
        {
            var interceptor = new ForegroundActivityInterceptor(new ForegroundActivity(), options);
            var call = interceptor.UnaryServerHandler<Empty, Empty>(new Empty(), new CallContext(method), (_, _) => Task.FromResult(new Empty()));
            call.GetAwaiter().GetResult();
            result.SetResult(BackgroundPriority.CurrentThreadIsBatchScheduled());
        });
        thread.Start();
        return result.Task;
    }

    /// <summary>Only the method name of a call, which is all the interceptor reads.</summary>
    private sealed class CallContext(string method) : ServerCallContext
    {
        protected override string MethodCore => method;
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore => [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore => [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
