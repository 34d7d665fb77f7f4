using System.Security.Cryptography;
using Google.Protobuf;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Search.Grpc;

/// <summary>
/// A page token is the index's cursor (the last hit's score and id) behind a fingerprint of the query it pages through.
/// The cursor alone would page any query: given with another, it would silently skip that query's hits above the score
/// it carries. Facets, the page size and the justification are left out of the fingerprint: they change no hit's place.
/// </summary>
public static class SearchPageToken
{
    private const char Separator = '.';

    /// <summary>The token of the page after <paramref name="cursor"/>, or "" at the end.</summary>
    public static string For(SearchRequest request, string? cursor) => cursor is { Length: > 0 } ? Fingerprint(request) + Separator + cursor : "";

    /// <summary>The index's cursor in the request's token, or null on the first page; a token of another query is a violation.</summary>
    public static string? CursorOf(SearchRequest request, Violations violations)
    {
        if (request.PageToken.Length == 0)
        {
            return null;
        }

        var separator = request.PageToken.IndexOf(Separator, StringComparison.Ordinal);
        if (separator < 0 || !string.Equals(request.PageToken[..separator], Fingerprint(request), StringComparison.Ordinal))
        {
            violations.Add("page_token", "is not a token of this query: page on with the query it was given for, or leave it out to start again");
            return null;
        }

        return request.PageToken[(separator + 1)..];
    }

    private static string Fingerprint(SearchRequest request)
    {
        var query = request.Clone();
        query.PageToken = "";
        query.PageSize = 0;
        query.Facets.Clear();
        query.Justification = null;
        var hash = SHA256.HashData(query.ToByteArray());
        return Convert.ToBase64String(hash, 0, 9).Replace('+', '-').Replace('/', '_');
    }
}
