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
/// </list>
/// It follows NeedToKnowPolicy rule by rule (numbers as in RULES.md); the property test in the engine's
/// tests holds the two together.
/// </summary>
public sealed record PolicyConditions(Cond Visible, Cond Readable, Cond TextReadable)
{
    private static readonly Caveat[] Masks = Enumerable.Range(0, 8).Select(m => (Caveat)m).ToArray();

    public static PolicyConditions For(SearchPrincipal principal, NeedToKnowPolicyOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(options);
        var subject = principal.Subject;
        var purpose = principal.Justification.Purpose;

        // 1–2. A request without a reason or by a non-reading role learns nothing, not even existence.
        var knownPurpose = Enum.IsDefined(purpose);
        if (!knownPurpose || string.IsNullOrWhiteSpace(principal.Justification.Reason)
            || !options.ReadingRoles.Any(subject.Roles.Contains))
        {
            return new PolicyConditions(Cond.None, Cond.None, Cond.None);
        }

        var oversight = subject.Roles.Contains(options.OversightRole);
        var entitled = CaveatNames.Entitled(subject.CaveatEntitlements, CaveatNames.All);
        var barred = options.BarredCaveatsByPurpose.Where(p => p.Key == purpose).Aggregate(Caveat.None, (all, p) => all | p.Value);
        var withdrawn = Cond.Term(IndexFields.Withdrawn, IndexFields.True);

        // 3. Purpose limitation, and 4. withdrawn items for oversight only: denied whatever else holds.
        var notDenied = Cond.And(
            Cond.Term(IndexFields.Kind, IndexFields.RecordKind),
            Cond.Not(Cond.AnyOf(IndexFields.Caveat, CaveatNames.Names(barred))),
            oversight ? Cond.All : Cond.Not(withdrawn));

        // 5. The originator reads its own live items whole.
        var ownLive = Cond.And(Cond.Term(IndexFields.Originator, subject.Agency), Cond.Not(withdrawn));

        // 6. Released: oversight on withdrawn items; otherwise all partners, the agency, or a shared case.
        var released = Cond.Or(
            oversight ? withdrawn : Cond.None,
            Cond.And(
                Cond.Not(withdrawn),
                Cond.Or(
                    Cond.Term(IndexFields.AllPartners, IndexFields.True),
                    Cond.Term(IndexFields.ReleasableTo, subject.Agency),
                    Cond.AnyOf(IndexFields.CaseRef, principal.Context.CaseMemberships))));

        // 7. Clearance reaches the classification.
        var cleared = Cond.Range(IndexFields.Classification, null, (long)subject.Clearance);

        // 6 and 8 by grant: an active grant releases its items and its covered caveats, per item and granting agency.
        var grants = principal.Context.Grants
            .Where(g => now >= g.ValidFrom && now < g.ValidTo && string.Equals(g.GranteeUserId, subject.UserId, StringComparison.Ordinal))
            .SelectMany(g => g.ResourceIds.Select(id => (Id: id, Agency: g.GrantedByAgency, g.CoveredCaveats)))
            .GroupBy(g => (g.Id, g.Agency))
            .Select(g => (g.Key.Id, g.Key.Agency, Covers: g.Aggregate(Caveat.None, (all, x) => all | x.CoveredCaveats)))
            .ToArray();

        Cond Readable(bool wholeText)
        {
            Cond Caveats(Caveat held) => wholeText
                ? Cond.And(RedactableFor(options.Redactions, held), TextOpenTo(held))
                : RedactableFor(options.Redactions, held);

            var byGrant = grants.Select(g => Cond.And(
                Cond.Term(IndexFields.Id, g.Id),
                Cond.Term(IndexFields.Originator, g.Agency),
                cleared,
                Caveats(entitled | g.Covers)));
            return Cond.Or([ownLive, Cond.And(released, cleared, Caveats(entitled)), .. byGrant]);
        }

        var readable = Readable(wholeText: false);

        // Not readable: existence only when discoverable, otherwise deny.
        return new PolicyConditions(
            Cond.And(notDenied, Cond.Or(readable, Cond.Term(IndexFields.Discoverable, IndexFields.True))),
            Cond.And(notDenied, readable),
            Cond.And(notDenied, Readable(wholeText: true)));
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

    private static Cond TextOpenTo(Caveat held) =>
        Cond.AnyOf(IndexFields.TextCaveats, Masks.Where(m => (m & ~held) == Caveat.None).Select(IndexFields.Mask));
}
