using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// Bearer-token validation that checks each token once and reuses the outcome until the token expires. Every call of a
/// session carries the same token, and its RSA signature check was a measurable part of a Get. Only valid tokens are
/// kept, keyed by the exact token text, never past their own expiry; each request gets its own copy of the identity.
/// This is no weaker than JWT validation itself, which cannot revoke a token before it expires either.
/// </summary>
public sealed class CachingJsonWebTokenHandler(TimeProvider clock) : JsonWebTokenHandler
{
    /// <summary>Tokens remembered at most; beyond it the expired ones are dropped, or else all of them.</summary>
    public const int MaxTokens = 10_000;

    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTimeOffset Expires)> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (_validated.TryGetValue(token, out var known) && now < known.Expires)
        {
            return Copy(known.Result);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { ValidTo: var validTo } && validTo > DateTime.MinValue)
        {
            if (_validated.Count >= MaxTokens)
            {
                Prune(now);
            }

            _validated[token] = (result, new DateTimeOffset(DateTime.SpecifyKind(validTo, DateTimeKind.Utc)));
            return Copy(result);
        }

        return result;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (token, entry) in _validated)
        {
            if (entry.Expires <= now)
            {
                _validated.TryRemove(token, out _);
            }
        }

        if (_validated.Count >= MaxTokens)
        {
            _validated.Clear();
        }
    }

    /// <summary>What the bearer handler reads of a result, with an identity of this request's own.</summary>
    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        SecurityToken = result.SecurityToken,
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };
}
