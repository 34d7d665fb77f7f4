using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace IntelShare.Platform.Tests;

/// <summary>
/// The platform services client a production Identity registers from configuration: the only account that may read
/// the whole Records change log besides an administrator, with a secret that configuration rotates.
/// </summary>
public sealed class ServiceClientTests : IDisposable
{
    private const string ClientId = "read-models";
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private PlatformFactory Production(string secret) => new(_data.Path, "Production", new Dictionary<string, string>
    {
        ["Identity:BootstrapAdmin:UserName"] = "root",
        ["Identity:BootstrapAdmin:Password"] = "a-long-enough-password",
        ["Identity:BootstrapAdmin:Agency"] = "NCA",
        ["Identity:ServiceClients:0:ClientId"] = ClientId,
        ["Identity:ServiceClients:0:ClientSecret"] = secret,
        ["Identity:ServiceClients:0:Agency"] = "NCA",
    });

    private static Task<System.Text.Json.JsonDocument> RequestToken(PlatformFactory platform, string secret) =>
        platform.RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
            ["client_secret"] = secret,
            ["scope"] = "intelshare",
        }, ensureSuccess: false);

    [Fact]
    public async Task A_configured_services_client_reads_the_change_log_people_cannot_and_a_new_secret_replaces_the_old()
    {
        const string first = "first-secret-0123456789abcdef";
        const string second = "second-secret-0123456789abcdef";
        string token;
        ChangeHead head;
        RpcException adminOnly;
        await using (var platform = Production(first))
        {
            using var issued = await RequestToken(platform, first);
            token = issued.RootElement.GetProperty("access_token").GetString()!;
            head = await platform.Channel(token).RecordsClient().GetChangeHeadAsync(new GetChangeHeadRequest());
            var root = await platform.SignInAsync("root", "a-long-enough-password");
            var rootHead = await platform.Channel(root).RecordsClient().GetChangeHeadAsync(new GetChangeHeadRequest());
            Assert.Equal(head.Sequence, rootHead.Sequence);
            adminOnly = await Assert.ThrowsAsync<RpcException>(() =>
                platform.Channel(token).RecordsClient().ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) }).ResponseAsync);
        }

        await using var rotated = Production(second);
        using var withOld = await RequestToken(rotated, first);
        using var withNew = await RequestToken(rotated, second);

        var claims = new JsonWebToken(token);
        Assert.Equal(["projection"], claims.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal("NCA", claims.GetClaim("agency").Value);
        Assert.Equal(0, head.Sequence);
        Assert.Equal(StatusCode.PermissionDenied, adminOnly.StatusCode);
        Assert.Equal("invalid_client", withOld.RootElement.GetProperty("error").GetString());
        Assert.True(withNew.RootElement.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task People_cannot_read_the_change_head_and_a_weak_services_secret_stops_identity_from_starting()
    {
        await using (var development = new PlatformFactory(_data.Path))
        {
            var analyst = development.Channel(await development.SignInAsync("analyst")).RecordsClient();
            var denied = await Assert.ThrowsAsync<RpcException>(() => analyst.GetChangeHeadAsync(new GetChangeHeadRequest()).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        }

        await using var weak = new PlatformFactory(Path.Combine(_data.Path, "weak"), "Production", new Dictionary<string, string>
        {
            ["Identity:ServiceClients:0:ClientId"] = ClientId,
            ["Identity:ServiceClients:0:ClientSecret"] = "short",
            ["Identity:ServiceClients:0:Agency"] = "NCA",
        });
        var error = Assert.ThrowsAny<Exception>(() => weak.Server);
        Assert.Contains("Identity:ServiceClients:0:ClientSecret", error.ToString(), StringComparison.Ordinal);
    }
}
