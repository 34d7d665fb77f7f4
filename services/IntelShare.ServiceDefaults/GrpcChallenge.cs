using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// A gRPC call without a valid token is answered as gRPC answers, UNAUTHENTICATED with a message saying what to do, instead
/// of a bare HTTP 401 that clients report as "Bad gRPC response. HTTP status code: 401". Nothing of the call's body is
/// read or named: the answer depends only on the token.
/// </summary>
public static class GrpcChallenge
{
    public const string NoToken =
        "This call needs an access token: sign in at the platform's token endpoint (/connect/token) and send the token as 'authorization: Bearer <token>'.";

    public const string Expired = "The access token has expired: sign in again, or renew it with its refresh token.";

    public const string Invalid =
        "The access token is not valid here (altered, for another audience, or not issued by this platform's Identity service): sign in again.";

    public static Task AnswerAsync(JwtBearerChallengeContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Task.CompletedTask;
        }

        context.HandleResponse();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        // Trailers-only: the status in the headers, and no body.
        response.Headers["grpc-status"] = "16";
        response.Headers["grpc-message"] = context.AuthenticateFailure switch
        {
            null => NoToken,
            SecurityTokenExpiredException => Expired,
            _ => Invalid,
        };
        return Task.CompletedTask;
    }
}
