using System.Security.Claims;
using System.Security.Cryptography;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IntelShare.Platform.Tests;

/// <summary>A token is checked once and its outcome reused only while the token is valid, each request with its own identity.</summary>
public sealed class CachingJsonWebTokenHandlerTests
{
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test" };

    private static string Token(DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "http://issuer/",
        Audience = "intelshare",
        Subject = new ClaimsIdentity([new Claim("sub", "u1"), new Claim("agency", "POL-ATU")]),
        NotBefore = expires.AddHours(-2),
        IssuedAt = expires.AddHours(-2),
        Expires = expires,
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
    });

    private static (TokenValidationParameters Parameters, Func<int> Checks) Parameters()
    {
        var checks = 0;
        return (new TokenValidationParameters
        {
            ValidIssuer = "http://issuer/",
            ValidAudience = "intelshare",
            ClockSkew = TimeSpan.Zero,
            IssuerSigningKeyResolver = (_, _, _, _) =>
            {
                Interlocked.Increment(ref checks);
                return [Key];
            },
        }, () => checks);
    }

    [Fact]
    public async Task A_valid_token_is_checked_once_until_it_expires_and_each_caller_gets_its_own_identity()
    {
        var expires = DateTime.UtcNow.AddHours(1);
        var token = Token(expires);
        var clock = new ManualClock { Now = DateTimeOffset.UtcNow };
        var handler = new CachingJsonWebTokenHandler(clock);
        var (parameters, checks) = Parameters();

        var first = await handler.ValidateTokenAsync(token, parameters);
        var second = await handler.ValidateTokenAsync(token, parameters);
        var checksWhileValid = checks();
        clock.Now = new DateTimeOffset(expires).AddSeconds(1);
        await handler.ValidateTokenAsync(token, parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, checksWhileValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("u1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal(2, checks());
    }

    [Fact]
    public async Task Expired_and_altered_tokens_are_refused_every_time()
    {
        var handler = new CachingJsonWebTokenHandler(TimeProvider.System);
        var (parameters, _) = Parameters();
        var expired = Token(DateTime.UtcNow.AddMinutes(-5));
        var valid = Token(DateTime.UtcNow.AddHours(1));
        await handler.ValidateTokenAsync(valid, parameters);
        var altered = valid[..^2] + (valid[^2] == 'A' ? "B" : "A") + valid[^1];

        Assert.False((await handler.ValidateTokenAsync(expired, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(expired, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(altered, parameters)).IsValid);
    }
}
