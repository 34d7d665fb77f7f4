using System.Globalization;
using IntelShare.Contracts.V1;
using IntelShare.Policy;

namespace IntelShare.Access.Client;

/// <summary>
/// The links of released content, as the reader may see them: a link names its target's record id, so a link to a
/// record the reader may not even learn exists (a DENY: not discoverable, refused by purpose) would give that id away
/// while a read of it answers NOT_FOUND. Such a link is withheld like a redacted field; a link to a record the reader
/// may learn of (existence only or better) stays, since a read of its target would say as much.
/// </summary>
public static class LinkRelease
{
    /// <summary>
    /// The action a link target's decision is audited under: deciding it tells the reader no more than whether the link
    /// is shown, which is not a read of the target.
    /// </summary>
    public const string Action = "link";

    /// <summary>
    /// The record ids the released records link to, each once; empty for records without links, which then need no
    /// further decision (the common read stays one call).
    /// </summary>
    public static IReadOnlyList<string> Targets(IEnumerable<Record?> released)
    {
        List<string>? targets = null;
        foreach (var record in released)
        {
            if (record?.Content is not { Links.Count: > 0 } content)
            {
                continue;
            }

            foreach (var link in content.Links)
            {
                if (link.TargetRecordId.Length > 0 && (targets ??= []).IndexOf(link.TargetRecordId) < 0)
                {
                    targets.Add(link.TargetRecordId);
                }
            }
        }

        return targets ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The ids among <paramref name="targets"/> whose decision says the reader may not learn they exist.</summary>
    public static IReadOnlySet<string> Hidden(IReadOnlyList<string> targets, IReadOnlyList<AccessEffect> effects)
    {
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < targets.Count; i++)
        {
            if (effects[i] == AccessEffect.Deny)
            {
                hidden.Add(targets[i]);
            }
        }

        return hidden;
    }

    /// <summary>
    /// Decides <paramref name="targets"/> in the caller's session, adding each decision to <paramref name="decided"/> for
    /// the audit log. A target without a marking (one the deciding service does not hold, as a withdrawn record) counts
    /// as hidden: what cannot be decided is not shown.
    /// </summary>
    public static IReadOnlySet<string> Hidden(
        AccessSession session, IReadOnlyList<string> targets, IReadOnlyDictionary<string, ResourceMarking> markings, List<(ResourceMarking, AccessDecision)> decided)
    {
        var effects = new AccessEffect[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            effects[i] = AccessEffect.Deny;
            if (markings.TryGetValue(targets[i], out var marking))
            {
                var decision = session.Decide(marking);
                decided.Add((marking, decision));
                effects[i] = decision.Effect;
            }
        }

        return Hidden(targets, effects);
    }

    /// <summary>
    /// The released record without its links to <paramref name="hidden"/> targets (the same instance when it has none),
    /// and the paths of the links withheld, as a redaction names them ("links[1]").
    /// </summary>
    public static (Record Record, IReadOnlyList<string> Withheld) Withhold(Record released, IReadOnlySet<string> hidden)
    {
        if (hidden.Count == 0 || released.Content is not { Links.Count: > 0 } content)
        {
            return (released, []);
        }

        var withheld = new List<string>();
        for (var i = 0; i < content.Links.Count; i++)
        {
            if (hidden.Contains(content.Links[i].TargetRecordId))
            {
                withheld.Add(string.Create(CultureInfo.InvariantCulture, $"links[{i}]"));
            }
        }

        return withheld.Count == 0 ? (released, withheld) : (Redactor.Release(released, AccessEffect.PermitRedacted, withheld)!, withheld);
    }

    /// <summary>
    /// Withholds, in place, the links of every released record (null where none is released) to <paramref name="hidden"/>
    /// targets, and gives the paths withheld from each.
    /// </summary>
    public static IReadOnlyList<string>[] WithholdAll(Record?[] released, IReadOnlySet<string> hidden)
    {
        var withheld = new IReadOnlyList<string>[released.Length];
        for (var i = 0; i < released.Length; i++)
        {
            (released[i], withheld[i]) = released[i] is { } record ? Withhold(record, hidden) : (null, []);
        }

        return withheld;
    }

    /// <summary>
    /// The decision as sent with content from which more was withheld than it names (links; an earlier version's own
    /// fields): redacted, naming those paths among its redacted fields, as a decision that removed fields itself does.
    /// </summary>
    public static Decision Reporting(Decision decision, IEnumerable<string> withheld)
    {
        var paths = withheld.Where(path => !decision.RedactedFields.Contains(path)).ToList();
        if (paths.Count == 0)
        {
            return decision;
        }

        var reported = decision.Clone();
        reported.Effect = Effect.PermitRedacted;
        reported.RedactedFields.AddRange(paths);
        return reported;
    }
}
