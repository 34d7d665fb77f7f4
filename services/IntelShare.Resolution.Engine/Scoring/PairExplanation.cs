using System.Globalization;
using System.Text;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Scoring;

/// <summary>One field's part in a pair's score: "family name: phonetic match (kovalenko ~ kovalenco) +6.1".</summary>
public sealed record FieldScore(string Field, int Level, string LevelLabel, string Values, double Weight)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Field}: {LevelLabel}{(Values.Length > 0 ? $" ({Values})" : "")} {Weight:+0.0;-0.0;0}");
}

/// <summary>Why two records were (or were not) judged the same entity, field by field.</summary>
public sealed record PairExplanation(PreparedRecord A, PreparedRecord B, IReadOnlyList<FieldScore> Fields, double Weight, double Posterior)
{
    /// <summary>The model's prior log-odds of a match, which turns a weight into a probability.</summary>
    public double PriorWeight { get; init; }

    /// <summary>
    /// The pair as if only <paramref name="fields"/> (some of <see cref="Fields"/>) had been compared: their weights
    /// alone make the total and the probability, so that what is left out has no part in either.
    /// </summary>
    public PairExplanation Keeping(IReadOnlyList<FieldScore> fields)
    {
        var weight = fields.Sum(f => f.Weight);
        return this with { Fields = fields, Weight = weight, Posterior = FellegiSunterModel.Posterior(weight, PriorWeight) };
    }

    public override string ToString() => Describe(A.ToString(), B.ToString(), Fields);

    /// <summary>The explanation as text, with the records named and the comparisons shown as given.</summary>
    public string Describe(string left, string right, IEnumerable<FieldScore> fields)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{left} vs {right}: match weight {Weight:0.0}, probability {Posterior:0.000}");
        foreach (var field in fields)
        {
            text.AppendLine().Append("  ").Append(field);
        }

        return text.ToString();
    }
}
