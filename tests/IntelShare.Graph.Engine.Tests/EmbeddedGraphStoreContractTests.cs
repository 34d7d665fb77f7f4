using IntelShare.Graph.Engine;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>The store contract for the embedded engine, each test in its own temporary directory.</summary>
public sealed class EmbeddedGraphStoreContractTests : GraphStoreContract
{
    private readonly string directory = Directory.CreateTempSubdirectory("intelshare-graph-contract-").FullName;

    protected override async Task<IGraphStore> CreateStoreAsync() => await EmbeddedGraphStore.OpenAsync(directory);

    protected override Task<IGraphStore> OpenAgainAsync() => CreateStoreAsync();

    protected override Task CleanUpAsync()
    {
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }
}
