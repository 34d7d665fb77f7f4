using System.Text.Json.Serialization;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>Running counts of an import, kept in the checkpoint so that a resumed import reports the whole file.</summary>
internal sealed class ImportTotals
{
    public long RowsRead { get; set; }

    /// <summary>Accepted by the server: created plus new versions.</summary>
    public long Accepted { get; set; }

    public long NewVersions { get; set; }

    public long Duplicates { get; set; }

    public long RejectedByServer { get; set; }

    public long RejectedByClient { get; set; }

    [JsonIgnore]
    public long Created => Accepted - NewVersions;

    [JsonIgnore]
    public long Rejected => RejectedByServer + RejectedByClient;

    public void Add(ContributeStreamResponse response)
    {
        Accepted += response.Accepted;
        NewVersions += response.NewVersions;
        Duplicates += response.Duplicates;
        RejectedByServer += response.Rejected;
    }
}
