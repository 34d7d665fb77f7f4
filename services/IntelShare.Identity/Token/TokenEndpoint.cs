using IntelShare.Identity.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IntelShare.Identity.Token;

/// <summary>
/// The /connect/token endpoint after OpenIddict has validated the request (client, grant, scopes):
/// it decides who the caller is and which claims the access token carries.
/// </summary>
public static class TokenEndpoint
{
    public const string Path = "/connect/token";

    public static IEndpointConventionBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Path, ExchangeAsync)
            // Callers come here for a token, so they cannot have one yet.
            .AllowAnonymous()
            .ExcludeFromDescription();

    public static async Task<IResult> ExchangeAsync(
        HttpContext httpContext,
        IdentityDbContext db,
        UserAuthenticator authenticator,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(TokenEndpoint));
        var request = httpContext.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        if (request.IsPasswordGrantType())
        {
            var result = await authenticator.SignInAsync(request.Username, request.Password, cancellationToken);
            switch (result.Status)
            {
                case UserSignInStatus.Succeeded:
                    logger.LogInformation("User {UserName} ({UserId}) signed in through client {ClientId}", result.User!.UserName, result.User.Id, request.ClientId);
                    return SignIn(TokenPrincipals.ForUser(result.User, GrantedScopes(request.GetScopes())));
                case UserSignInStatus.Disabled:
                    logger.LogWarning("Disabled user {UserName} ({UserId}) tried to sign in", result.User!.UserName, result.User.Id);
                    return Reject(Errors.InvalidGrant, "The account is disabled. Ask your agency's IntelShare administrator to re-enable it.");
                default:
                    logger.LogWarning("Failed sign-in for user name {UserName} through client {ClientId}", request.Username, request.ClientId);
                    return Reject(Errors.InvalidGrant, "The user name or password is incorrect.");
            }
        }

        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has already checked the client secret; what is left is whom the client acts for.
            var client = await db.ClientRegistrations.AsNoTracking()
                .SingleOrDefaultAsync(c => c.ClientId == request.ClientId, cancellationToken);
            if (client is null)
            {
                logger.LogWarning("Client {ClientId} authenticated but has no agency registration", request.ClientId);
                return Reject(Errors.UnauthorizedClient,
                    $"The client '{request.ClientId}' is not registered to an agency. Ask an IntelShare administrator to register it.");
            }

            logger.LogInformation("Client {ClientId} of agency {Agency} obtained a token", client.ClientId, client.AgencyCode);
            return SignIn(TokenPrincipals.ForClient(client, GrantedScopes(request.GetScopes(), allowOfflineAccess: false)));
        }

        if (request.IsRefreshTokenGrantType())
        {
            var authenticated = await httpContext.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var userId = authenticated.Principal?.GetClaim(Claims.Subject);
            // Rebuilt from the directory rather than copied from the old token, so that a role,
            // clearance or disablement change takes effect at the next refresh.
            var user = userId is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null || user.Disabled)
            {
                logger.LogWarning("Refresh refused for user {UserId}: account missing or disabled", userId);
                return Reject(Errors.InvalidGrant, "The refresh token is no longer valid: the account no longer exists or is disabled. Sign in again.");
            }

            return SignIn(TokenPrincipals.ForUser(user, GrantedScopes(authenticated.Principal!.GetScopes())));
        }

        return Reject(Errors.UnsupportedGrantType, "Only the password, client_credentials and refresh_token grants are supported.");
    }

    private static IEnumerable<string> GrantedScopes(IEnumerable<string> requested, bool allowOfflineAccess = true) =>
        requested.Where(scope => scope == IdentitySettings.Scope || (allowOfflineAccess && scope == Scopes.OfflineAccess));

    private static IResult SignIn(System.Security.Claims.ClaimsPrincipal principal) =>
        Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private static IResult Reject(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
