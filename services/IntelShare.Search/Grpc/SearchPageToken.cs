using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.ServiceDefaults;

namespace IntelShare.Search.Grpc;

/// <summary>
/// A search's page tokens: the index's cursor (the last hit's score and id) bound to the query it pages through
/// (<see cref="QueryPageToken"/>). Facets, the page size and the justification are left out of the query: they change no
/// hit's place.
/// </summary>
public static class SearchPageToken
{
    public static QueryPageToken Of(SearchRequest request) => RequestPageTokens.Of(request, "page_token", query =>
    {
        query.PageToken = "";
        query.PageSize = 0;
        query.Facets.Clear();
        query.Justification = null;
    });
}
