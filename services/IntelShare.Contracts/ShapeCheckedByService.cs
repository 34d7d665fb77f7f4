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
}
