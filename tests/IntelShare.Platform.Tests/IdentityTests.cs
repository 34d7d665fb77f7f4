using Microsoft.IdentityModel.JsonWebTokens;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

public sealed class IdentityTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task Password_sign_in_issues_a_jwt_with_agency_roles_clearance_and_caveats()
    {
        var token = new JsonWebToken(await Factory.SignInAsync("supervisor"));

        Assert.Equal("POL-ATU", token.Claims.Single(c => c.Type == "agency").Value);
        Assert.Contains(token.Claims, c => c.Type == "role" && c.Value == "supervisor");
        Assert.Equal("SECRET", token.Claims.Single(c => c.Type == "clearance").Value);
        Assert.Contains(token.Claims, c => c.Type == "caveat" && c.Value == "VICTIM_IDENTITY");
        Assert.Contains("intelshare", token.Audiences);
        Assert.False(string.IsNullOrEmpty(token.Kid));
    }

    [Fact]
    public async Task Who_am_i_reflects_the_token()
    {
        var identity = new IdentityService.IdentityServiceClient(await Factory.ChannelForAsync("border.analyst"));

        var me = await identity.WhoAmIAsync(new WhoAmIRequest());

        Assert.Equal("BORDER", me.Agency);
        Assert.Contains("analyst", me.Roles);
        Assert.Equal(Classification.Secret, me.Clearance);
    }

    [Fact]
    public async Task Demo_agencies_are_listed()
    {
        var identity = new IdentityService.IdentityServiceClient(await Factory.ChannelForAsync("analyst"));

        var agencies = await identity.ListAgenciesAsync(new ListAgenciesRequest());

        Assert.Equal(["BORDER", "FIU", "LABOUR", "NGO-SHELTER", "OVERSIGHT", "POL-ATU"], agencies.Agencies.Select(a => a.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Users_are_found_by_exact_id_or_user_name_and_the_directory_cannot_be_browsed()
    {
        var identity = new IdentityService.IdentityServiceClient(await Factory.ChannelForAsync("analyst"));
        var borderId = (await new IdentityService.IdentityServiceClient(await Factory.ChannelForAsync("border.analyst")).WhoAmIAsync(new WhoAmIRequest())).UserId;

        var found = await identity.FindUsersAsync(new FindUsersRequest { UserIds = { borderId, "no-such-id" }, UserNames = { "SUPERVISOR", "border", "%" } });
        var nothing = await identity.FindUsersAsync(new FindUsersRequest());
        var bad = await Assert.ThrowsAsync<RpcException>(() => identity.FindUsersAsync(new FindUsersRequest
        {
            UserIds = { "" }, UserNames = { Enumerable.Range(0, 500).Select(i => $"user{i}") },
        }).ResponseAsync);

        Assert.Equal(
            [(borderId, "border.analyst", "Border Guard Analyst", "BORDER"), (found.Users[1].UserId, "supervisor", "Demo Supervisor", "POL-ATU")],
            found.Users.Select(u => (u.UserId, u.UserName, u.DisplayName, u.Agency)));
        Assert.Empty(nothing.Users);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Equal(["user_ids", "user_ids[0]"], bad.ViolatedFields().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_invalid_grant()
    {
        using var response = await Factory.RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "intelshare-cli",
            ["username"] = "analyst",
            ["password"] = "guess",
            ["scope"] = "intelshare",
        }, ensureSuccess: false);

        Assert.Equal("invalid_grant", response.RootElement.GetProperty("error").GetString());
        Assert.False(response.RootElement.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Agency_system_signs_in_with_client_credentials_and_contributes_as_its_agency()
    {
        using var response = await Factory.RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "labour-system",
            ["client_secret"] = "demo-secret",
            ["scope"] = "intelshare",
        });
        var token = response.RootElement.GetProperty("access_token").GetString()!;
        var records = Factory.Channel(token).RecordsClient();

        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });
        var read = await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });

        Assert.Equal("LABOUR", read.Record.Content.Marking.OriginatorAgency);
    }

    [Fact]
    public async Task Client_with_a_wrong_secret_gets_no_token()
    {
        using var response = await Factory.RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "labour-system",
            ["client_secret"] = "wrong",
            ["scope"] = "intelshare",
        }, ensureSuccess: false);

        Assert.Equal("invalid_client", response.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Identity_rpcs_need_a_token()
    {
        var identity = new IdentityService.IdentityServiceClient(Factory.Channel(accessToken: null));

        var error = await Assert.ThrowsAsync<RpcException>(() => identity.WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => identity.FindUsersAsync(new FindUsersRequest { UserNames = { "analyst" } }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, lookup.StatusCode);
    }
}
