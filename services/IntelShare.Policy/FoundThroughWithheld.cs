namespace IntelShare.Policy;

/// <summary>
/// A record the caller may read, redacted, but found through a detail withheld from them (a name, an identifier, a
/// date of birth): its reference would tie what they looked for to the rest of it, so every service that finds records
/// (Search, FrontlineCheck, Resolution's Match) tells them only who holds one, in these words.
/// </summary>
public static class FoundThroughWithheld
{
    /// <summary>Why no reference is given, as the caller is told it.</summary>
    public const string Reason = "no reference is given: it was found through details withheld from you";

    /// <summary>
    /// The decision's explanation as the caller is told it: the withheld rule's sentence, as for any refusal for a caveat
    /// (RULES.md), since the rule that redacted the record would name the caveat and so say what the record is about.
    /// </summary>
    public static string Explanation { get; } = $"{PolicyRules.Withheld.Id}: {Reason}; {PolicyRules.Withheld.Describe(default)}";
}
