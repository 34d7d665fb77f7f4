using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// Scores that depend on the query and the document only, never on the rest of the index: no inverse
/// document frequency, no query normalisation. A page cursor carries the last score, and with collection
/// statistics in the score every write would shift every score and break the cursors of open result lists.
/// Ranking still rewards exact over fuzzy terms, written order, term frequency and shorter fields.
/// </summary>
internal sealed class StableSimilarity : DefaultSimilarity
{
    public static readonly StableSimilarity Instance = new();

    public override float Idf(long docFreq, long numDocs) => 1f;

    public override float QueryNorm(float sumOfSquaredWeights) => 1f;
}

internal sealed class StableSearcherFactory : SearcherFactory
{
    public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = StableSimilarity.Instance };
}
