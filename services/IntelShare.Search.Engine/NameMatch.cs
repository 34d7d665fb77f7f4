using System.Text;

namespace IntelShare.Search.Engine;

/// <summary>
/// How a name query matches, engine independent, so that the embedded and the remote index find and rank the
/// same people. Each query token matches when one of its spellings does: the token as written or within a few
/// edits, its <see cref="NameKey">key</see> exactly or within one edit, or the key of the token joined to a
/// neighbour ("jac ob", "mc donald"). A name of up to three tokens needs every token; a longer one all but one
/// (a middle name one agency has and another has not). A full date of birth counts as one more token, so a
/// record whose date of birth agrees exactly is found even when one of its names was replaced (a married name,
/// an unrecorded alias) or mangled beyond a few edits — in a search, not in a frontline check, which needs the whole
/// name (<see cref="QueryPlan.WholeNameRequired"/>). Scores add up over the matching tokens, so the more of
/// the name matches, the higher the record ranks.
/// </summary>
public sealed record NameMatch(
    IReadOnlyList<NameMatch.Token> Tokens,
    string? DateOfBirthTerm,
    int MinimumMatching,
    IReadOnlyList<string> Written)
{
    /// <summary>Boost of the name exactly as written; a folded or fuzzy spelling scores less.</summary>
    public const float ExactBoost = 2f;

    public const float KeyBoost = 1.5f;

    public const float FuzzyBoost = 1f;

    /// <summary>Below an exact name token, so a full name without a date of birth outranks half a name with one.</summary>
    public const float DateOfBirthBoost = 1f;

    /// <summary>Bonus for the tokens in written order.</summary>
    public const float OrderBoost = 2f;

    /// <summary>Bonus for the first token as a given name and the last as a family name.</summary>
    public const float PlacementBoost = 1f;

    public const int MaxExpansions = 50;

    /// <summary>
    /// Names of up to this many tokens need every one: with three, one missing would let a double-barrelled family
    /// name alone ("la roche", "bott sarma") find everyone of the family.
    /// </summary>
    public const int MaxAllRequired = 3;

    /// <summary>One way a token may be found: a term of <paramref name="Field"/>, exactly or within <paramref name="Edits"/>.</summary>
    public sealed record Spelling(string Field, string Term, int Edits, float Boost);

    /// <summary>A query token; it matches when any of its spellings does, and scores as its best.</summary>
    public sealed record Token(IReadOnlyList<Spelling> Spellings);

    public static NameMatch? For(QueryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var tokens = plan.NameTokens;
        if (tokens.Count == 0)
        {
            return null;
        }

        var matches = new Token[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var key = NameKey.Of(token);
            var spellings = new List<Spelling> { new(IndexFields.Name, token, 0, ExactBoost), new(IndexFields.NameKey, key, 0, KeyBoost) };
            if (EditsFor(token) is var edits and > 0)
            {
                spellings.Add(new(IndexFields.Name, token, edits, FuzzyBoost));
            }

            // One edit on the key: a name spelt in another script and back, with a typo on top. Two would let
            // keys, being shorter and plainer than names, meet names that only look alike ("jakson", "dikson").
            if (EditsFor(key) > 0)
            {
                spellings.Add(new(IndexFields.NameKey, key, 1, FuzzyBoost));
            }

            // Febrl and clerks alike split a name in two ("benj amin") or write one in two parts ("mc donald").
            if (i > 0)
            {
                spellings.AddRange(Joined(tokens[i - 1], token));
            }

            if (i < tokens.Count - 1)
            {
                spellings.AddRange(Joined(token, tokens[i + 1]));
            }

            matches[i] = new Token(spellings.Distinct().ToArray());
        }

        // A date alone must never be enough, so it stands in for a token only when there are two or more.
        var dob = plan.DateOfBirth is { HasDay: true } date && tokens.Count > 1 && !plan.WholeNameRequired
            ? IndexFields.DateOfBirthTerms(date).First(t => t.StartsWith("d:", StringComparison.Ordinal))
            : null;
        return new NameMatch(matches, dob, tokens.Count <= MaxAllRequired ? tokens.Count : tokens.Count - 1, tokens);
    }

    /// <summary>Short tokens must be exact: one edit turns "li" into dozens of other names.</summary>
    public static int EditsFor(string token) => token.Length switch
    {
        <= 2 => 0,
        <= 5 => 1,
        _ => 2,
    };

    /// <summary>
    /// Two neighbouring tokens written as one, exactly or (both being more than an initial) within one edit:
    /// with more, the join would meet the longer part alone and the shorter would count as found ("ruby du").
    /// </summary>
    private static IEnumerable<Spelling> Joined(string first, string second)
    {
        var key = NameKey.Of(first + second);
        yield return new Spelling(IndexFields.NameKey, key, 0, KeyBoost);
        if (first.Length > 1 && second.Length > 1)
        {
            yield return new Spelling(IndexFields.NameKey, key, 1, FuzzyBoost);
        }
    }
}

/// <summary>
/// A name token folded so that the spellings different romanisations give one sound agree: "kh" and "h"
/// (Kharkiv, Harkiv; Cyrillic х), "dzh" and "j" (Джамал: Dzhamal, Jamal), "w" and "v" (Kowalenko, Kovalenko),
/// "y" and "i" (Yuriy, Iurii), "x" and "ks" (Aleksandr, Alexandr), "ou" and "u" (Greek ου, French
/// romanisation: Oulianov, Ulyanov), "c", "q" and "k", and doubled letters (Matthews, Mathews). It is indexed
/// beside the name and compared exactly or within an edit, so a name spelt letter by letter in another script
/// and back, with a typo on top, still finds the person. It is a search key only, never shown.
/// </summary>
public static class NameKey
{
    public static string Of(string token)
    {
        var folded = new StringBuilder(token.Length + 2);
        foreach (var c in token)
        {
            folded.Append(c switch
            {
                'c' or 'q' => "k",
                'w' => "v",
                'y' => "i",
                'x' => "ks",
                _ => c.ToString(),
            });
        }

        // Doubles go first: "kkh" is Cyrillic's "ch" (к + х) and must fold like Latin "ch".
        var key = Undouble(folded.ToString())
            .Replace("dzh", "j", StringComparison.Ordinal)
            .Replace("dj", "j", StringComparison.Ordinal)
            .Replace("zh", "j", StringComparison.Ordinal)
            .Replace("kh", "h", StringComparison.Ordinal)
            .Replace("ph", "f", StringComparison.Ordinal)
            .Replace("ou", "u", StringComparison.Ordinal);
        return Undouble(key);
    }

    /// <summary>The keys of a normalised name, one per token, space separated as the name is.</summary>
    public static string OfName(string normalisedName) =>
        string.Join(' ', normalisedName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Of));

    private static string Undouble(string text)
    {
        var single = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (single.Length == 0 || single[^1] != c)
            {
                single.Append(c);
            }
        }

        return single.ToString();
    }
}
