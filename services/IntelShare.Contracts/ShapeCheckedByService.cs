namespace IntelShare.Contracts
{
    /// <summary>
    /// A request whose service checks its <see cref="MessageShape"/> itself, together with what it means, so that the
    /// caller hears every problem at once; the shape interceptor leaves it to the service.
    /// </summary>
    public interface IShapeCheckedByService;
}

namespace IntelShare.Contracts.V1
{
    public sealed partial class ContributeRequest : IShapeCheckedByService;

    public sealed partial class AmendRequest : IShapeCheckedByService;

    public sealed partial class GetRecordRequest : IShapeCheckedByService;

    public sealed partial class BatchGetRecordsRequest : IShapeCheckedByService;

    public sealed partial class HistoryRequest : IShapeCheckedByService;

    public sealed partial class WithdrawRequest : IShapeCheckedByService;

    public sealed partial class SearchRequest : IShapeCheckedByService;

    public sealed partial class FrontlineCheckRequest : IShapeCheckedByService;

    public sealed partial class NeighbourhoodRequest : IShapeCheckedByService;

    public sealed partial class PathRequest : IShapeCheckedByService;

    public sealed partial class ConnectTheDotsRequest : IShapeCheckedByService;

    public sealed partial class CommonAssociatesRequest : IShapeCheckedByService;

    public sealed partial class CentralityRequest : IShapeCheckedByService;

    public sealed partial class CommunitiesRequest : IShapeCheckedByService;

    public sealed partial class LinkedCasesRequest : IShapeCheckedByService;

    public sealed partial class TimelineRequest : IShapeCheckedByService;

    public sealed partial class ExportRequest : IShapeCheckedByService;

    public sealed partial class MatchRequest : IShapeCheckedByService;

    public sealed partial class GetEntityRequest : IShapeCheckedByService;

    public sealed partial class ReviewQueueRequest : IShapeCheckedByService;

    public sealed partial class DecideRequest : IShapeCheckedByService;

    public sealed partial class ExplainRequest : IShapeCheckedByService;
}
