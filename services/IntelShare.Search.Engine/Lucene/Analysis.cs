using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;

namespace IntelShare.Search.Engine.Lucene;

internal static class Analysis
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>Names arrive already normalised by NameText (Latin, lower case, single spaces).</summary>
    public static readonly Analyzer Names = new NameAnalyzer();

    /// <summary>Report text: words, lower case, accents folded (a partner writes "Košice", another "Kosice").</summary>
    public static readonly Analyzer Text = new TextAnalyzer();

    public static readonly Analyzer PerField = new PerFieldAnalyzerWrapper(
        Text,
        new Dictionary<string, Analyzer>
        {
            [IndexFields.Name] = Names,
            [IndexFields.NameKey] = Names,
            [IndexFields.Given] = Names,
            [IndexFields.Family] = Names,
        });

    // A gap between the values of a multi-valued field keeps a phrase from running from one name (or text) into the next.
    private const int ValueGap = 100;

    private sealed class NameAnalyzer : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
            new(new WhitespaceTokenizer(Version, reader));

        public override int GetPositionIncrementGap(string fieldName) => ValueGap;
    }

    private sealed class TextAnalyzer : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new StandardTokenizer(Version, reader);
            return new TokenStreamComponents(tokenizer, new ASCIIFoldingFilter(new LowerCaseFilter(Version, tokenizer), preserveOriginal: false));
        }

        public override int GetPositionIncrementGap(string fieldName) => ValueGap;
    }
}
