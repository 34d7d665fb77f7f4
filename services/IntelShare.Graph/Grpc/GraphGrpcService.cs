using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Access.Client;
using IntelShare.Contracts;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Graph.Domain;
using IntelShare.Graph.Engine;
using IntelShare.ServiceDefaults;
using Engine = IntelShare.Graph.Engine;
using Wire = IntelShare.Contracts.V1;

namespace IntelShare.Graph.Grpc;

/// <summary>
/// The Graph service: validates a query, opens the caller's access session, lets the engine walk with the policy
/// deciding every node and edge it meets, and maps the result — placeholders carry kind, holder and a reference
/// only — before auditing what was released.
/// </summary>
public sealed class GraphGrpcService(IGraphStore store, GraphRecordIndex index, IAccessSessionFactory access, ICaseDirectory cases, GraphOptions options) : GraphService.GraphServiceBase
{
    private const int MaxNodesReturned = 10_000;

    private const int MaxCommunitiesReturned = 200;

    public override Task<Wire.Subgraph> Neighbourhood(NeighbourhoodRequest request, ServerCallContext context) =>
        RunAsync(context, request, "graph.neighbourhood", request.Justification, $"neighbourhood {string.Join(",", request.EntityIds)} depth {request.Depth}",
            violations => ValidateNeighbourhood(request, violations, "")!,
            async (query, visibility, ct) =>
            {
                await RequireNodesAsync(query.Seeds, visibility, ct);
                var result = await store.NeighbourhoodAsync(query, visibility, Budget, ct);
                return (result.Nodes.Select(n => n.Node), new ResultMapper(visibility).Subgraph(result), Undisclosed(result));
            });

    public override Task<PathResponse> ShortestPath(PathRequest request, ServerCallContext context) => Path(request, context, all: false);

    public override Task<PathResponse> AllShortestPaths(PathRequest request, ServerCallContext context) => Path(request, context, all: true);

    public override Task<Wire.Subgraph> ConnectTheDots(ConnectTheDotsRequest request, ServerCallContext context) =>
        RunAsync(context, request, "graph.connect", request.Justification, $"connect {string.Join(",", request.EntityIds)}",
            violations =>
            {
                violations.Require(request.EntityIds.Count >= 2, "entity_ids", "needs at least two entities to connect");
                RequireSeeds(request.EntityIds, "entity_ids", violations, GraphLimits.MaxConnectIds);
                var maxLength = Bounded(request.MaxLength, 8, 12, "max_length", violations);
                var (nodeKinds, edgeKinds, window) = Filter(request.Filter, violations);
                return new ConnectQuery([.. request.EntityIds], nodeKinds, edgeKinds, window, maxLength);
            },
            async (query, visibility, ct) =>
            {
                await RequireNodesAsync(query.Ids, visibility, ct);
                var result = await store.ConnectTheDotsAsync(query, visibility, Budget, ct);
                return (result.Graph.Nodes.Select(n => n.Node), new ResultMapper(visibility).Subgraph(result.Graph), Undisclosed(result.Graph));
            });

    public override Task<Wire.Subgraph> CommonAssociates(CommonAssociatesRequest request, ServerCallContext context) =>
        RunAsync(context, request, "graph.common_associates", request.Justification, $"common associates {request.FirstId} {request.SecondId}",
            violations =>
            {
                RequireId(request.FirstId, "first_id", violations);
                RequireId(request.SecondId, "second_id", violations);
                violations.Require(request.FirstId != request.SecondId || string.IsNullOrWhiteSpace(request.FirstId), "second_id", "must differ from first_id");
                var (nodeKinds, edgeKinds, window) = Filter(request.Filter, violations);
                return new CommonAssociatesQuery(request.FirstId, request.SecondId, nodeKinds, edgeKinds, window);
            },
            async (query, visibility, ct) =>
            {
                await RequireNodesAsync([query.First, query.Second], visibility, ct);
                var result = await store.CommonAssociatesAsync(query, visibility, Budget, ct);
                var nodes = new List<ResultNode>();
                var edges = new List<Engine.GraphEdge>();
                foreach (var associate in result.Associates)
                {
                    nodes.Add(associate.Node);
                    edges.AddRange(associate.EdgesWithA);
                    edges.AddRange(associate.EdgesWithB);
                }

                foreach (var end in new[] { query.First, query.Second })
                {
                    if (await store.GetNodeAsync(end, ct) is { } node && visibility.See(node) is var seen && seen != NodeVisibility.Hidden)
                    {
                        nodes.Add(new ResultNode(node, seen));
                    }
                }

                var subgraph = new Engine.Subgraph(nodes, edges, result.WithheldNodes, result.WithheldEdges, result.UndisclosedNodes, result.UndisclosedEdges, result.Truncated);
                return (nodes.Select(n => n.Node), new ResultMapper(visibility).Subgraph(subgraph), Undisclosed(subgraph));
            });

    public override Task<CentralityResponse> Centrality(CentralityRequest request, ServerCallContext context) =>
        RunAsync(context, request, "graph.centrality", request.Justification, $"centrality {request.Measure} around {string.Join(",", request.EntityIds)}",
            violations =>
            {
                violations.Require(request.Measure != Wire.CentralityMeasure.Unspecified, "measure", "is required: degree, betweenness or pagerank");
                var top = Bounded(request.Top, 20, 1_000, "top", violations);
                var scope = Scope(request.EntityIds, request.Depth, request.Filter, violations);
                return (Measure: request.Measure switch
                {
                    Wire.CentralityMeasure.Betweenness => Engine.CentralityMeasure.Betweenness,
                    Wire.CentralityMeasure.Pagerank => Engine.CentralityMeasure.PageRank,
                    _ => Engine.CentralityMeasure.Degree,
                }, Top: top, Scope: scope);
            },
            async (query, visibility, ct) =>
            {
                var (scope, scopeGraph) = await ResolveScopeAsync(query.Scope, visibility, ct);
                var result = await store.CentralityAsync(
                    new CentralityQuery(query.Measure, scope, query.Top, SampleSources: scope is null && query.Measure == Engine.CentralityMeasure.Betweenness ? 256 : null,
                        NodeKinds: query.Scope.NodeKinds, EdgeKinds: query.Scope.EdgeKinds, Window: query.Scope.Window),
                    visibility, Budget, ct);
                var mapper = new ResultMapper(visibility);
                var response = new CentralityResponse { WithheldNodes = result.WithheldNodes + (scopeGraph?.WithheldNodes ?? 0), Truncated = result.Truncated || (scopeGraph?.Truncated ?? false) };
                var shown = new List<Engine.GraphNode>();
                foreach (var score in result.Scores)
                {
                    if (await store.GetNodeAsync(score.Id, ct) is { } node)
                    {
                        shown.Add(node);
                        response.Ranking.Add(new ScoredNode { Node = mapper.Node(node), Score = score.Score });
                    }
                }

                return ((IEnumerable<Engine.GraphNode>)shown, response, result.UndisclosedNodes + (scopeGraph?.UndisclosedNodes ?? 0));
            });

    public override Task<CommunitiesResponse> Communities(CommunitiesRequest request, ServerCallContext context) =>
        RunAsync(context, request, "graph.communities", request.Justification, $"communities around {string.Join(",", request.EntityIds)}",
            violations => (MinSize: Bounded(request.MinSize, 3, 1_000, "min_size", violations), Scope: Scope(request.EntityIds, request.Depth, request.Filter, violations)),
            async (query, visibility, ct) =>
            {
                var (scope, scopeGraph) = await ResolveScopeAsync(query.Scope, visibility, ct);
                var result = await store.CommunitiesAsync(
                    new CommunityQuery(scope, NodeKinds: query.Scope.NodeKinds, EdgeKinds: query.Scope.EdgeKinds, Window: query.Scope.Window), visibility, Budget, ct);
                var mapper = new ResultMapper(visibility);
                var bridges = result.BridgeNodes.ToHashSet(StringComparer.Ordinal);
                var reported = result.Communities.Where(c => c.Members.Count >= query.MinSize).ToArray();
                // Cut to what a response carries, or cut short while scoping, the answer says so as Centrality's does.
                var response = new CommunitiesResponse
                {
                    Modularity = result.Modularity,
                    WithheldNodes = result.WithheldNodes + (scopeGraph?.WithheldNodes ?? 0),
                    Truncated = result.Truncated || (scopeGraph?.Truncated ?? false) || reported.Length > MaxCommunitiesReturned
                        || reported.Take(MaxCommunitiesReturned).Any(c => c.Members.Count > MaxNodesReturned),
                };
                var shown = new List<Engine.GraphNode>();
                foreach (var community in reported.Take(MaxCommunitiesReturned))
                {
                    var message = new Wire.Community { Id = community.Id };
                    foreach (var member in community.Members.Take(MaxNodesReturned))
                    {
                        if (await store.GetNodeAsync(member, ct) is { } node)
                        {
                            shown.Add(node);
                            message.Members.Add(mapper.Node(node));
                            if (bridges.Contains(member))
                            {
                                message.BridgeIds.Add(mapper.Id(node));
                            }
                        }
                    }

                    response.Communities.Add(message);
                }

                return ((IEnumerable<Engine.GraphNode>)shown, response, result.UndisclosedNodes + (scopeGraph?.UndisclosedNodes ?? 0));
            });

    public override async Task<LinkedCasesResponse> LinkedCases(LinkedCasesRequest request, ServerCallContext context)
    {
        // Only a case the caller knows of may be named, and any other is refused alike whether it exists or not, as a
        // search filter is: else an outsider's hidden case (withheld) and a made-up one (not found) would tell which exist.
        var known = new string?[request.CaseRefs.Count];
        for (var i = 0; i < known.Length; i++)
        {
            known[i] = await cases.FindKnownAsync(context.GetSubject(), request.CaseRefs[i], context.CancellationToken);
        }

        return await RunAsync(context, request, "graph.linked_cases", request.Justification, $"linked cases {string.Join(",", request.CaseRefs)}",
            violations =>
            {
                for (var i = 0; i < known.Length; i++)
                {
                    violations.Require(known[i] is not null, $"case_refs[{i}]", UnknownCase.Message(request.CaseRefs[i]));
                }

                return known.Length == 0 ? null : known.OfType<string>().Select(GraphRecordMapper.CaseNodeId).ToArray();
            },
            async (caseIds, visibility, ct) =>
            {
                var result = await store.LinkedCasesAsync(new LinkedCasesQuery(caseIds), visibility, Budget, ct);
                var mapper = new ResultMapper(visibility);
                var response = new LinkedCasesResponse { WithheldNodes = result.WithheldNodes };
                var shown = new List<Engine.GraphNode>();
                foreach (var link in result.Links)
                {
                    var message = new Wire.CaseLink { FirstCase = link.CaseA.Split(':', 2)[^1], SecondCase = link.CaseB.Split(':', 2)[^1] };
                    foreach (var shared in link.SharedEntityIds)
                    {
                        if (await store.GetNodeAsync(shared, ct) is { } node)
                        {
                            shown.Add(node);
                            message.Shared.Add(mapper.Node(node));
                        }
                    }

                    response.Links.Add(message);
                }

                return ((IEnumerable<Engine.GraphNode>)shown, response, result.UndisclosedNodes);
            });
    }

    public override Task<TimelineResponse> Timeline(TimelineRequest request, ServerCallContext context) =>
        RunAsync(context, request, "graph.timeline", request.Justification, $"timeline {request.EntityId}",
            violations =>
            {
                RequireId(request.EntityId, "entity_id", violations);
                return new TimelineQuery(request.EntityId, Window(request.From, request.To, "from", violations));
            },
            async (query, visibility, ct) =>
            {
                await RequireNodesAsync([query.EntityId], visibility, ct);
                var result = await store.TimelineAsync(query, visibility, Budget, ct);
                var mapper = new ResultMapper(visibility);
                var response = new TimelineResponse { WithheldNodes = result.WithheldNodes };
                foreach (var entry in result.Events)
                {
                    response.Events.Add(new TimelineEvent
                    {
                        Event = mapper.Node(entry.Event.Node),
                        OccurredFrom = entry.Event.Node.From is { } from ? Timestamp.FromDateTimeOffset(from) : null,
                        OccurredTo = entry.Event.Node.To is { } to ? Timestamp.FromDateTimeOffset(to) : null,
                        Relationship = string.Join(",", entry.Edges.Select(e => ResultMapper.KindName(e.Kind)).Distinct()),
                    });
                }

                return (result.Events.Select(e => e.Event.Node), response, result.UndisclosedNodes);
            });

    public override Task<ExportResponse> Export(ExportRequest request, ServerCallContext context) =>
        RunAsync(context, request, "graph.export", request.Neighbourhood?.Justification, $"export {string.Join(",", request.Neighbourhood?.EntityIds ?? [])}",
            violations =>
            {
                violations.Require(request.Format != ExportFormat.Unspecified, "format", "is required: graphml or json");
                return ValidateNeighbourhood(request.Neighbourhood, violations, "neighbourhood.");
            },
            async (query, visibility, ct) =>
            {
                await RequireNodesAsync(query!.Seeds, visibility, ct);
                var result = await store.NeighbourhoodAsync(query, visibility, Budget, ct);
                var subgraph = new ResultMapper(visibility).Subgraph(result);
                var content = request.Format == ExportFormat.Graphml ? SubgraphExport.ToGraphMl(subgraph) : SubgraphExport.ToJson(subgraph);
                return (result.Nodes.Select(n => n.Node), new ExportResponse
                {
                    Format = request.Format,
                    Content = content,
                    WithheldNodes = subgraph.WithheldNodes,
                    WithheldEdges = subgraph.WithheldEdges,
                    Truncated = subgraph.Truncated,
                }, Undisclosed(result));
            });

    private QueryBudget Budget => new(options.MaxNodesVisited, options.QueryTimeout);

    private Task<PathResponse> Path(PathRequest request, ServerCallContext context, bool all) =>
        RunAsync(context, request, all ? "graph.all_paths" : "graph.path", request.Justification, $"path {request.FromId} {request.ToId}",
            violations =>
            {
                RequireId(request.FromId, "from_id", violations);
                RequireId(request.ToId, "to_id", violations);
                var maxLength = Bounded(request.MaxLength, 8, 12, "max_length", violations);
                var limit = Bounded(request.Limit, all ? 10 : 1, 100, "limit", violations);
                var (nodeKinds, edgeKinds, window) = Filter(request.Filter, violations);
                return new PathQuery(request.FromId, request.ToId, nodeKinds, edgeKinds, window, maxLength, limit);
            },
            async (query, visibility, ct) =>
            {
                await RequireNodesAsync([query.From, query.To], visibility, ct);
                var result = all
                    ? await store.AllShortestPathsAsync(query, visibility, Budget, ct)
                    : await store.ShortestPathAsync(query, visibility, Budget, ct);
                var mapper = new ResultMapper(visibility);
                var response = new PathResponse { Found = result.Found, Subgraph = mapper.Subgraph(result.Graph) };
                foreach (var path in result.Paths)
                {
                    var message = new Wire.GraphPath();
                    message.NodeIds.AddRange(path.NodeIds.Select(mapper.IdOf));
                    response.Paths.Add(message);
                }

                return (result.Graph.Nodes.Select(n => n.Node), response, Undisclosed(result.Graph));
            });

    private async Task<TResponse> RunAsync<TQuery, TResponse>(
        ServerCallContext context,
        Google.Protobuf.IMessage request,
        string action,
        Justification? justification,
        string queryText,
        Func<Violations, TQuery> validate,
        Func<TQuery, PolicyGraphVisibility, CancellationToken, Task<(IEnumerable<Engine.GraphNode> Shown, TResponse Response, int Undisclosed)>> run)
    {
        // The request's form (an enum out of range, a bad timestamp) with what it means, so that every problem is named at once.
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        // An export's justification is its neighbourhood's.
        await JustificationRules.ValidateAsync(
            justification, violations, cases, context.GetSubject(), context.CancellationToken, request is ExportRequest ? "neighbourhood.justification" : "justification");
        TQuery query;
        try
        {
            query = validate(violations);
        }
        catch (GraphQueryException invalid)
        {
            foreach (var problem in invalid.Problems)
            {
                violations.Add("query", problem);
            }

            query = default!;
        }

        violations.ThrowIfAny();
        var session = await access.BeginAsync(
            new AccessQuery(context.GetSubject(), justification!.ToReadJustification(), action, context.Peer, "graph"), context.CancellationToken);
        var visibility = new PolicyGraphVisibility(session, index);
        try
        {
            var (shown, response, undisclosed) = await run(query, visibility, context.CancellationToken);
            var released = visibility.Released(shown);
            // The response counts only what the caller may learn exists; oversight is told all that was withheld.
            await session.AuditAsync(queryText, released, WithheldOf(response!) + undisclosed, context.CancellationToken);
            return response;
        }
        catch (GraphQueryException invalid)
        {
            throw new ValidationFailedException([.. invalid.Problems.Select(p => new FieldViolation("query", p))]);
        }
        catch (GraphNodeNotFoundException missing)
        {
            throw new NotFoundException("Entity", missing.Id);
        }
    }

    private static int WithheldOf(object response) => response switch
    {
        Wire.Subgraph s => s.WithheldNodes + s.WithheldEdges,
        PathResponse p => (p.Subgraph?.WithheldNodes ?? 0) + (p.Subgraph?.WithheldEdges ?? 0),
        CentralityResponse c => c.WithheldNodes,
        CommunitiesResponse c => c.WithheldNodes,
        LinkedCasesResponse l => l.WithheldNodes,
        TimelineResponse t => t.WithheldNodes,
        ExportResponse e => e.WithheldNodes + e.WithheldEdges,
        _ => 0,
    };

    /// <summary>What a result withheld that the caller may not learn of: in the audit log's count, never in the response's.</summary>
    private static int Undisclosed(Engine.Subgraph result) => result.UndisclosedNodes + result.UndisclosedEdges;

    /// <summary>A node the caller may not know of is answered as one that does not exist, as Records answers a Get.</summary>
    private async Task RequireNodesAsync(IEnumerable<string> ids, IGraphVisibility visibility, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            if (await store.GetNodeAsync(id, ct) is not { } node || visibility.See(node) == NodeVisibility.Hidden)
            {
                throw new NotFoundException("Entity", id);
            }
        }
    }

    private static NeighbourhoodQuery? ValidateNeighbourhood(NeighbourhoodRequest? request, Violations violations, string prefix)
    {
        if (request is null)
        {
            violations.Add(prefix.TrimEnd('.'), "is required");
            return null;
        }

        violations.Require(request.EntityIds.Count > 0, prefix + "entity_ids", "needs at least one entity to start from");
        RequireSeeds(request.EntityIds, prefix + "entity_ids", violations);
        violations.Require(request.Depth is >= 0 and <= 4, prefix + "depth", "must be between 1 and 4");
        var limit = Bounded(request.Limit, 500, MaxNodesReturned, prefix + "limit", violations);
        var (nodeKinds, edgeKinds, window) = Filter(request.Filter, violations, prefix);
        return new NeighbourhoodQuery([.. request.EntityIds], request.Depth == 0 ? 1 : request.Depth, nodeKinds, edgeKinds, window, limit, limit * 4);
    }

    /// <summary>
    /// What an analysis ranks or divides: the neighbourhood of the named entities (none: the whole visible graph), and
    /// within it only the filter's nodes and links, which the analysis applies again to the links between them.
    /// </summary>
    private sealed record AnalysisScope(NeighbourhoodQuery? Around, IReadOnlySet<NodeKind>? NodeKinds, IReadOnlySet<EdgeKind>? EdgeKinds, TimeWindow? Window);

    private static AnalysisScope Scope(IReadOnlyCollection<string> ids, int depth, GraphFilter? filter, Violations violations)
    {
        RequireSeeds(ids, "entity_ids", violations);
        violations.Require(depth is >= 0 and <= 4, "depth", "must be between 1 and 4");
        var (nodeKinds, edgeKinds, window) = Filter(filter, violations);
        // The largest neighbourhood the engine walks for anyone: the scope is then cut to what the caller may see.
        var around = ids.Count == 0 ? null : new NeighbourhoodQuery([.. ids], depth == 0 ? 2 : depth, nodeKinds, edgeKinds, window, GraphLimits.MaxNodes, GraphLimits.MaxEdges);
        return new AnalysisScope(around, nodeKinds, edgeKinds, window);
    }

    /// <summary>Entities a walk starts from, named by the request's own field rather than left to the engine.</summary>
    private static void RequireSeeds(IReadOnlyCollection<string> ids, string field, Violations violations, int max = GraphLimits.MaxSeeds)
    {
        violations.Require(ids.Count <= max, field, $"must name at most {max} entities (named {ids.Count})");
        var index = 0;
        foreach (var id in ids)
        {
            violations.Require(!string.IsNullOrWhiteSpace(id), $"{field}[{index}]", "is empty");
            index++;
        }
    }

    /// <summary>An entity the query is about, named by the request's own field: a blank id is not one that does not exist.</summary>
    private static void RequireId(string id, string field, Violations violations) =>
        violations.Require(!string.IsNullOrWhiteSpace(id), field, "is required");

    /// <summary>The node ids a subgraph-scoped analysis runs over: the visible neighbourhood of the named entities.</summary>
    private async Task<(IReadOnlyCollection<string>? Ids, Engine.Subgraph? Graph)> ResolveScopeAsync(AnalysisScope scope, IGraphVisibility visibility, CancellationToken ct)
    {
        if (scope.Around is not { } around)
        {
            return (null, null);
        }

        await RequireNodesAsync(around.Seeds, visibility, ct);
        var graph = await store.NeighbourhoodAsync(around, visibility, Budget, ct);
        return (graph.Nodes.Where(n => n.Visibility == NodeVisibility.Visible).Select(n => n.Node.Id).ToArray(), graph);
    }

    private static (IReadOnlySet<NodeKind>?, IReadOnlySet<EdgeKind>?, TimeWindow?) Filter(GraphFilter? filter, Violations violations, string prefix = "")
    {
        if (filter is null)
        {
            return (null, null, null);
        }

        return (
            Kinds<NodeKind>(filter.NodeKinds, prefix + "filter.node_kinds", violations, name => name),
            Kinds<EdgeKind>(filter.EdgeKinds, prefix + "filter.edge_kinds", violations, name => name.Replace("_", "", StringComparison.Ordinal)),
            Window(filter.From, filter.To, prefix + "filter.from", violations));
    }

    private static HashSet<T>? Kinds<T>(IEnumerable<string> names, string field, Violations violations, Func<string, string> normalise)
        where T : struct, System.Enum
    {
        HashSet<T>? kinds = null;
        foreach (var name in names)
        {
            if (System.Enum.TryParse<T>(normalise(name), ignoreCase: true, out var kind) && System.Enum.IsDefined(kind))
            {
                (kinds ??= []).Add(kind);
            }
            else
            {
                violations.Add(field, $"'{name}' is not one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
            }
        }

        return kinds;
    }

    private static TimeWindow? Window(Timestamp? from, Timestamp? to, string field, Violations violations)
    {
        if (from is null && to is null)
        {
            return null;
        }

        // A timestamp no calendar holds is named by MessageShape; the window is left open there.
        var start = from is not null && MessageShape.IsValid(from) ? from.ToDateTimeOffset() : (DateTimeOffset?)null;
        var end = to is not null && MessageShape.IsValid(to) ? to.ToDateTimeOffset() : (DateTimeOffset?)null;
        violations.Require(start is null || end is null || end >= start, field, "the time window ends before it starts");
        return new TimeWindow(start, end);
    }

    private static int Bounded(int value, int fallback, int max, string field, Violations violations)
    {
        violations.Require(value is >= 0, field, "must not be negative");
        violations.Require(value <= max, field, $"must be at most {max}");
        return value == 0 ? fallback : Math.Min(value, max);
    }
}

public sealed record GraphOptions
{
    public int MaxNodesVisited { get; init; } = 200_000;

    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
