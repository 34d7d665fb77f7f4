using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace IntelShare.Domain;

/// <summary>
/// The page tokens of one query: a fingerprint of the query, a '.', and the cursor where its next page starts. A cursor
/// alone would page any query: given with another, it would silently skip that query's results before the place it
/// marks, results the client never saw. Bound to the fingerprint, a token given with any other query is refused.
/// Clients pass a token back as they were given it; only the service that made it reads it.
/// </summary>
public sealed class QueryPageToken
{
    private const char Separator = '.';

    // 72 bits, 12 characters: two queries a client pages through do not share a fingerprint by chance. It tells queries
    // apart and is no secret: a token holds nothing the client did not send or was not shown.
    private const int FingerprintBytes = 9;

    private const string OfAnotherQuery = "is not a token of this query: page on with the query it was given for, or leave it out to start again";

    private readonly string _fingerprint;
    private readonly string _field;

    /// <param name="query">What is asked (the RPC or query kind): two kinds of query may have equal parameters.</param>
    /// <param name="parameters">
    /// The query's parameters as they decide which results come and in what order: the request without its page token,
    /// page size, justification or anything else that changes no result's place.
    /// </param>
    /// <param name="field">The page token's field in the request, which a refused token is reported on.</param>
    public QueryPageToken(string query, ReadOnlySpan<byte> parameters, string field)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(field);
        // The kind and the parameters are told apart by a NUL, which no kind's name holds.
        var name = Encoding.UTF8.GetBytes(query);
        var input = new byte[name.Length + 1 + parameters.Length];
        name.CopyTo(input, 0);
        parameters.CopyTo(input.AsSpan(name.Length + 1));
        _fingerprint = Base64Url.EncodeToString(SHA256.HashData(input).AsSpan(0, FingerprintBytes));
        _field = field;
    }

    /// <summary>Reads the cursor of a token.</summary>
    public delegate bool CursorParser<T>(string text, [MaybeNullWhen(false)] out T cursor);

    /// <summary>The token of the page that starts after <paramref name="cursor"/>, or "" when there is none (the last page).</summary>
    public string For(string? cursor) => cursor is { Length: > 0 } ? _fingerprint + Separator + cursor : "";

    /// <summary>The cursor in <paramref name="token"/>, or null for the first page (no token) and for a token of another query, which is a violation.</summary>
    public string? CursorOf(string? token, Violations violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (token.Length <= _fingerprint.Length || token[_fingerprint.Length] != Separator || !token.StartsWith(_fingerprint, StringComparison.Ordinal))
        {
            violations.Add(_field, OfAnotherQuery);
            return null;
        }

        return token[(_fingerprint.Length + 1)..];
    }

    /// <summary>
    /// The cursor in <paramref name="token"/> as <paramref name="parse"/> reads it; false for the first page (no token),
    /// and for a token of another query or whose cursor does not read, which are violations.
    /// </summary>
    public bool TryCursorOf<T>(string? token, Violations violations, CursorParser<T> parse, [MaybeNullWhen(false)] out T cursor)
    {
        ArgumentNullException.ThrowIfNull(parse);
        cursor = default;
        if (CursorOf(token, violations) is not { } text)
        {
            return false;
        }

        if (!parse(text, out cursor))
        {
            // Its fingerprint is this query's, so the client made or changed it rather than passing it back.
            violations.Add(_field, "is not a token this service gave: pass back the next_page_token of the previous page as it was given");
            return false;
        }

        return true;
    }
}
