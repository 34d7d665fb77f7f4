using System.Collections.Immutable;
using System.Security.Claims;
using IntelShare.Domain;
using IntelShare.Identity.Data;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using TokenClaims = IntelShare.ServiceDefaults.Claims;

namespace IntelShare.Identity.Token;

/// <summary>Builds the identity an access token describes, for a user or for an agency system.</summary>
public static class TokenPrincipals
{
    public static ClaimsPrincipal ForUser(User user, IEnumerable<string> scopes) => Create(
        user.Id, user.UserName, user.AgencyCode, user.Roles, user.Clearance, user.CaveatEntitlements, scopes);

    public static ClaimsPrincipal ForClient(ClientRegistration client, IEnumerable<string> scopes) => Create(
        client.ClientId, client.ClientId, client.AgencyCode, client.Roles, client.Clearance, client.CaveatEntitlements, scopes);

    public static ClaimsPrincipal Create(
        string subject,
        string name,
        string agency,
        IEnumerable<string> roles,
        ClearanceLevel clearance,
        IEnumerable<string> caveats,
        IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, TokenClaims.Name, TokenClaims.Role);

        identity.SetClaim(TokenClaims.Subject, subject)
            .SetClaim(TokenClaims.Name, name)
            .SetClaim(TokenClaims.Agency, agency)
            .SetClaims(TokenClaims.Role, roles.Distinct(StringComparer.Ordinal).ToImmutableArray())
            .SetClaim(TokenClaims.Clearance, clearance.ToClaimValue())
            .SetClaims(TokenClaims.Caveat, caveats.Distinct(StringComparer.Ordinal).ToImmutableArray());

        identity.SetScopes(scopes.Append(IdentitySettings.Scope).Distinct(StringComparer.Ordinal));
        // The resource becomes the access token's "aud", which every service's JwtBearer requires.
        identity.SetResources(IdentitySettings.Scope);

        // Services read every claim from the access token; nothing is meant for an identity token.
        identity.SetDestinations(static _ => [OpenIddictConstants.Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }
}
