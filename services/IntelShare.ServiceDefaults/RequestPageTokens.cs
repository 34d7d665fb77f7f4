using Google.Protobuf;
using IntelShare.Domain;

namespace IntelShare.ServiceDefaults;

/// <summary>The page tokens of the query a paged request asks, fingerprinted from the request itself.</summary>
public static class RequestPageTokens
{
    /// <param name="field">The request's page token field, which a token of another query is reported on.</param>
    /// <param name="withoutPaging">
    /// Clears, on a copy of the request, what changes no result's place: the page token and size, the justification and
    /// whatever else the service says. Every other field, including any added later, is part of the query.
    /// </param>
    public static QueryPageToken Of<TRequest>(TRequest request, string field, Action<TRequest> withoutPaging)
        where TRequest : IMessage<TRequest>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(withoutPaging);
        var query = request.Clone();
        withoutPaging(query);
        // The request's type names the query: another RPC's request of equal bytes (both empty) is another query.
        return new QueryPageToken(request.Descriptor.FullName, query.ToByteArray(), field);
    }
}
