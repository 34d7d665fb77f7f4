using IntelShare.Policy;

namespace IntelShare.Search.Engine;

/// <summary>
/// The need-to-know policy restated as conditions over indexed marking fields, for one principal at one
/// instant, so that the index only ever matches and counts what the policy would release:
/// <list type="bullet">
/// <item><see cref="Visible"/>: the policy answers Permit, Permit-redacted or Existence-only.</item>
/// <item><see cref="Readable"/>: Permit or Permit-redacted.</item>
/// <item><see cref="TextReadable"/>: readable with none of the record's free-text fields redacted. Free text
/// only matches here: a hit on text the caller may not read would disclose that text.</item>
/// <item><see cref="NamesReadable"/>: readable with none of its names, identifiers or date of birth redacted. A
/// search on those counts and filters content only here: a record found through a name the caller may not read
/// would otherwise tie that name to the nationality it is counted under or filtered by.</item>
/// </list>
/// It follows NeedToKnowPolicy rule by rule (numbers as in RULES.md); the property test in the engine's
/// tests holds the two together.
/// </summary>
public sealed record PolicyConditions(Cond Visible, Cond Readable, Cond TextReadable, Cond NamesReadable)
{
    private static readonly Caveat[] Masks = Enumerable.Range(0, 8).Select(m => (Caveat)m).ToArray();

    /// <summary>What a query's content filters and content facets may count.</summary>
    public Cond ContentCountable(QueryPlan plan) => ThroughNames(plan, Readable, NamesReadable);

    /// <summary>Where a query's free text may match.</summary>
    public Cond TextMatchable(QueryPlan plan) => ThroughNames(plan, TextReadable, Cond.And(TextReadable, NamesReadable));

    /// <summary>
    /// The rule behind <see cref="ContentCountable"/> and <see cref="TextMatchable"/>, for whatever form an engine
    /// holds the conditions in: a query through names, identifiers or a date of birth learns the rest of a record only
    /// where the caller reads those too.
    /// </summary>
    public static T ThroughNames<T>(QueryPlan plan, T otherwise, T namesReadable) => plan.MatchesNamesOrIdentifiers ? namesReadable : otherwise;

    public static PolicyConditions For(SearchPrincipal principal, NeedToKnowPolicyOptions options, DateTimeOffset now) =>
        For(PolicyInputs.Of(principal, options, now), options);

    /// <summary>Built from the reduced inputs alone, so that equal <see cref="PolicyInputs.Key"/>s mean equal conditions.</summary>
    public static PolicyConditions For(PolicyInputs inputs, NeedToKnowPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);

        // 1–2. A request without a reason or by a non-reading role learns nothing, not even existence.
        if (!inputs.MayRead)
        {
            return new PolicyConditions(Cond.None, Cond.None, Cond.None, Cond.None);
        }

        var withdrawn = Cond.Term(IndexFields.Withdrawn, IndexFields.True);

        // 3. Purpose limitation, and 4. withdrawn items for oversight only: denied whatever else holds.
        var notDenied = Cond.And(
            Cond.Term(IndexFields.Kind, IndexFields.RecordKind),
            Cond.Not(Cond.AnyOf(IndexFields.Caveat, CaveatNames.Names(inputs.Barred))),
            inputs.Oversight ? Cond.All : Cond.Not(withdrawn));

        // 5. The originator reads its own live items whole.
        var ownLive = Cond.And(Cond.Term(IndexFields.Originator, inputs.Agency), Cond.Not(withdrawn));

        // 6. Released: oversight on withdrawn items; otherwise all partners, the agency, or a shared case.
        var released = Cond.Or(
            inputs.Oversight ? withdrawn : Cond.None,
            Cond.And(
                Cond.Not(withdrawn),
                Cond.Or(
                    Cond.Term(IndexFields.AllPartners, IndexFields.True),
                    Cond.Term(IndexFields.ReleasableTo, inputs.Agency),
                    Cond.AnyOf(IndexFields.CaseRef, inputs.Cases))));

        // 7. Clearance reaches the classification.
        var cleared = Cond.Range(IndexFields.Classification, null, (long)inputs.Clearance);

        // open: of the fields a caveat the reader lacks would redact, those that must not be among them.
        Cond Readable(string? open = null)
        {
            Cond Caveats(Caveat held) => open is null
                ? RedactableFor(options.Redactions, held)
                : Cond.And(RedactableFor(options.Redactions, held), OpenTo(open, held));

            // 6 and 8 by grant: an active grant releases its items and its covered caveats, per item and granting agency.
            var byGrant = inputs.Grants.Select(g => Cond.And(
                Cond.Term(IndexFields.Id, g.RecordId),
                Cond.Term(IndexFields.Originator, g.GrantingAgency),
                cleared,
                Caveats(inputs.Entitled | g.Covers)));
            return Cond.Or([ownLive, Cond.And(released, cleared, Caveats(inputs.Entitled)), .. byGrant]);
        }

        var readable = Readable();

        // Not readable: existence only when discoverable, otherwise deny.
        return new PolicyConditions(
            Cond.And(notDenied, Cond.Or(readable, Cond.Term(IndexFields.Discoverable, IndexFields.True))),
            Cond.And(notDenied, readable),
            Cond.And(notDenied, Readable(open: IndexFields.TextCaveats)),
            Cond.And(notDenied, Readable(open: IndexFields.NameCaveats)));
    }

    /// <summary>8. Caveats the reader lacks must each be redactable on the record's body.</summary>
    private static Cond RedactableFor(RedactionTable redactions, Caveat held)
    {
        var terms = new List<string>();
        foreach (var type in Enum.GetValues<RecordType>())
        {
            foreach (var mask in Masks)
            {
                var lacking = mask & ~held;
                if (lacking == Caveat.None || redactions.TryGetFields(SearchDocument.BodyOf(type), lacking, out _))
                {
                    terms.Add(IndexFields.BodyCaveatTerm(type, mask));
                }
            }
        }

        return Cond.AnyOf(IndexFields.BodyCaveats, terms);
    }

    /// <summary>The record's caveats protecting the fields of <paramref name="field"/> (a mask) are all held.</summary>
    private static Cond OpenTo(string field, Caveat held) =>
        Cond.AnyOf(field, Masks.Where(m => (m & ~held) == Caveat.None).Select(IndexFields.Mask));
}
