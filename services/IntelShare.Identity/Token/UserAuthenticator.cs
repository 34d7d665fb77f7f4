using IntelShare.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace IntelShare.Identity.Token;

public enum UserSignInStatus
{
    Succeeded,
    InvalidCredentials,
    Disabled,
}

public sealed record UserSignInResult(UserSignInStatus Status, User? User);

/// <summary>Checks a user name and password against the directory.</summary>
public sealed class UserAuthenticator(IdentityDbContext db, IPasswordHasher<User> hasher)
{
    private static readonly User DecoyUser = new() { UserName = "", DisplayName = "", AgencyCode = "" };

    // Hash of a random password, checked when the user name is unknown so that a miss costs as
    // long as a wrong password and response times do not reveal which user names exist.
    private static readonly Lazy<string> Decoy = new(() =>
        new PasswordHasher<User>().HashPassword(DecoyUser, Guid.NewGuid().ToString("N")));

    public async Task<UserSignInResult> SignInAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password))
        {
            return new UserSignInResult(UserSignInStatus.InvalidCredentials, null);
        }

        var name = userName.Trim();
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == name, cancellationToken);
        if (user is null)
        {
            hasher.VerifyHashedPassword(DecoyUser, Decoy.Value, password);
            return new UserSignInResult(UserSignInStatus.InvalidCredentials, null);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return new UserSignInResult(UserSignInStatus.InvalidCredentials, null);
        }

        // Reported only after the password matched, so "disabled" tells nothing to someone guessing.
        if (user.Disabled)
        {
            return new UserSignInResult(UserSignInStatus.Disabled, user);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(cancellationToken);
        }

        return new UserSignInResult(UserSignInStatus.Succeeded, user);
    }
}
