using IntelShare.Domain;
using static IntelShare.Domain.ClearanceLevel;
using static IntelShare.Policy.Tests.Expected;

namespace IntelShare.Policy.Tests;

/// <summary>
/// The need-to-know policy as a table: one row per situation, read as a sentence in the test output.
/// Rows are grouped by the rule they exercise, in the order of RULES.md.
/// </summary>
public sealed class PolicyTableTests
{
    private const string Police = "POL-ATU";
    private const string Border = "BORDER";
    private const string Labour = "LABOUR";
    private const string Fiu = "FIU";
    private const string Ngo = "NGO-SHELTER";
    private const string OversightBody = "OVERSIGHT";

    private const Caveat Victim = Caveat.VictimIdentity;
    private const Caveat Source = Caveat.SourceSensitive;
    private const Caveat Child = Caveat.Child;

    private static readonly string[] PersonIdentity =
        ["person.name", "person.aliases", "person.date_of_birth", "person.documents", "person.phones", "person.addresses"];

    private static readonly NeedToKnowPolicy Policy = new();

    private static readonly ReaderSpec PoliceAnalyst = ReaderSpec.Analyst(Police);
    private static readonly ReaderSpec BorderAnalyst = ReaderSpec.Analyst(Border);
    private static readonly ReaderSpec LabourInspector = ReaderSpec.WithRoles(Labour, Roles.Contributor, Roles.Analyst).Cleared(OfficialSensitive);
    private static readonly ReaderSpec Inspector = ReaderSpec.WithRoles(OversightBody, Roles.Oversight).Cleared(TopSecret);

    private static readonly ItemSpec PoliceRecord = ItemSpec.Of(Police);

    private static readonly PolicyCase[] Table =
    [
        // 1. A read must say why.
        new(BorderAnalyst, PoliceRecord.ReleasedToAllPartners(), Why.NoReason, Deny("justification-required")),
        new(PoliceAnalyst, PoliceRecord, Why.BlankReason, Deny("justification-required")),
        new(Inspector, PoliceRecord.Withdrawn(), Why.NoReason, Deny("justification-required")),

        // 2. Only reading roles read.
        new(ReaderSpec.WithRoles(Police, Roles.Admin), PoliceRecord, Why.Investigation, Deny("reading-role-required")),
        new(ReaderSpec.WithRoles(Border, Roles.Admin), PoliceRecord.ReleasedToAllPartners().Discoverable(), Why.Investigation, Deny("reading-role-required")),
        new(ReaderSpec.WithRoles(Border, Roles.Contributor), PoliceRecord.ReleasedToAllPartners(), Why.Investigation, Permit("need-to-know")),
        new(ReaderSpec.WithRoles(Border, Roles.Supervisor), PoliceRecord.Releasable(Border), Why.Investigation, Permit("need-to-know")),

        // 3. Purpose limitation: victim data never reaches immigration enforcement, whoever asks.
        new(BorderAnalyst.EntitledTo(Victim), PoliceRecord.Releasable(Border).Caveated(Victim).Discoverable(), Why.Immigration, Deny("purpose-limitation")),
        new(BorderAnalyst.EntitledTo(Child), PoliceRecord.Releasable(Border).Caveated(Child).Discoverable(), Why.Immigration, Deny("purpose-limitation")),
        new(ReaderSpec.Analyst(Border).EntitledTo(Victim), ItemSpec.Of(Border).Caveated(Victim), Why.Immigration, Deny("purpose-limitation")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", Covers: Victim)), PoliceRecord.Caveated(Victim), Why.Immigration, Deny("purpose-limitation")),
        new(Inspector.EntitledTo(Victim), PoliceRecord.Caveated(Victim).Withdrawn(), Why.Immigration, Deny("purpose-limitation")),
        new(BorderAnalyst.EntitledTo(Source), PoliceRecord.Releasable(Border).Caveated(Source), Why.Immigration, Permit("need-to-know")),
        new(BorderAnalyst, PoliceRecord.Releasable(Border), Why.Immigration, Permit("need-to-know")),
        new(ReaderSpec.WithRoles(Ngo, Roles.Contributor).EntitledTo(Victim), PoliceRecord.Releasable(Ngo).Caveated(Victim), Why.VictimProtection, Permit("need-to-know")),

        // 4. Withdrawn items are for oversight only.
        new(PoliceAnalyst, PoliceRecord.Withdrawn(), Why.Investigation, Deny("withdrawn")),
        new(BorderAnalyst, PoliceRecord.ReleasedToAllPartners().Discoverable().Withdrawn(), Why.Investigation, Deny("withdrawn")),
        new(Inspector.EntitledTo(CaveatNames.All), PoliceRecord.Classified(Secret).Caveated(Victim).Withdrawn(), Why.OversightAudit, Permit("need-to-know")),
        new(Inspector.Cleared(Secret), PoliceRecord.Classified(TopSecret).Withdrawn(), Why.OversightAudit, Deny("clearance-below-classification")),
        new(Inspector, PoliceRecord.Caveated(Victim).Withdrawn(), Why.OversightAudit, Redacted(PersonIdentity)),

        // 5. The originator reads its own items whole.
        new(PoliceAnalyst.Cleared(Official), PoliceRecord.Classified(TopSecret).Caveated(CaveatNames.All), Why.Investigation, Permit("originator")),
        new(ReaderSpec.WithRoles(Police, Roles.Contributor), PoliceRecord.Shaped(ResourceKind.Record, BodyKind.Report).Caveated(Source), Why.Investigation, Permit("originator")),

        // 6. Released to the reader: by agency, to all partners, by a shared case.
        new(BorderAnalyst, PoliceRecord, Why.Investigation, Deny("not-releasable")),
        new(BorderAnalyst, PoliceRecord.Discoverable(), Why.Investigation, ExistenceOnly("not-releasable")),
        new(BorderAnalyst, PoliceRecord.Releasable(Fiu).Discoverable(), Why.Investigation, ExistenceOnly("not-releasable")),
        new(ReaderSpec.Analyst(Fiu), PoliceRecord.Releasable(Fiu), Why.Investigation, Permit("need-to-know")),
        new(LabourInspector.MemberOf("OP-HARVEST"), PoliceRecord.InCases("OP-HARVEST"), Why.Investigation, Permit("need-to-know")),
        new(LabourInspector.MemberOf("OP-OTHER"), PoliceRecord.InCases("OP-HARVEST").Discoverable(), Why.Investigation, ExistenceOnly("not-releasable")),
        new(LabourInspector.MemberOf("OP-HARVEST"), PoliceRecord.Classified(Secret).InCases("OP-HARVEST"), Why.Investigation, Deny("clearance-below-classification")),
        new(Inspector, PoliceRecord.Discoverable(), Why.OversightAudit, ExistenceOnly("not-releasable")),

        // 6. ...or by an active grant from the originator to this reader for this item.
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1")), PoliceRecord, Why.Investigation, Permit("need-to-know")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", GrantWindow.StartsNow)), PoliceRecord, Why.Investigation, Permit("need-to-know")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", GrantWindow.EndedNow)), PoliceRecord.Discoverable(), Why.Investigation, ExistenceOnly("not-releasable")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", GrantWindow.Expired)), PoliceRecord.Discoverable(), Why.Investigation, ExistenceOnly("not-releasable")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", GrantWindow.NotYetValid)), PoliceRecord, Why.Investigation, Deny("not-releasable")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", ForAnotherUser: true)), PoliceRecord, Why.Investigation, Deny("not-releasable")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-2")), PoliceRecord, Why.Investigation, Deny("not-releasable")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", GrantedBy: Border)), PoliceRecord, Why.Investigation, Deny("not-releasable")),
        new(BorderAnalyst.Cleared(Official).Holding(new GrantSpec("G-1", "rec-1")), PoliceRecord.Classified(Secret).Discoverable(), Why.Investigation, ExistenceOnly("clearance-below-classification")),

        // 7. Clearance must reach the classification.
        new(BorderAnalyst.Cleared(Secret), PoliceRecord.Classified(Secret).Releasable(Border), Why.Investigation, Permit("need-to-know")),
        new(BorderAnalyst.Cleared(TopSecret), PoliceRecord.Classified(Official).Releasable(Border), Why.Investigation, Permit("need-to-know")),
        new(BorderAnalyst.Cleared(OfficialSensitive), PoliceRecord.Classified(Secret).Releasable(Border).Discoverable(), Why.Investigation, ExistenceOnly("clearance-below-classification")),
        new(BorderAnalyst.Cleared(OfficialSensitive), PoliceRecord.Classified(Secret).Releasable(Border), Why.Investigation, Deny("clearance-below-classification")),
        new(BorderAnalyst.Cleared(OfficialSensitive), PoliceRecord.Classified(Secret).Discoverable(), Why.Investigation, ExistenceOnly("not-releasable")),

        // 8. Caveats need an entitlement (or a grant covering them); otherwise their fields are removed.
        new(BorderAnalyst, PoliceRecord.Releasable(Border).Caveated(Victim), Why.Investigation, Redacted(PersonIdentity)),
        new(BorderAnalyst, PoliceRecord.Releasable(Border).Caveated(Child), Why.Investigation, Redacted(PersonIdentity)),
        new(BorderAnalyst.EntitledTo(Victim), PoliceRecord.Releasable(Border).Caveated(Victim | Child), Why.Investigation, Redacted(PersonIdentity)),
        new(BorderAnalyst.EntitledTo(Victim | Child), PoliceRecord.Releasable(Border).Caveated(Victim | Child), Why.Investigation, Permit("need-to-know")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Record, BodyKind.Report).Releasable(Border).Caveated(Source), Why.Investigation, Redacted("report.text", "evaluation")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Record, BodyKind.Report).Releasable(Border).Caveated(Victim | Source), Why.Investigation, Redacted("report.title", "report.text", "evaluation")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Record, BodyKind.Account).ReleasedToAllPartners().Caveated(Victim), Why.Investigation, Redacted("account.iban", "account.account_number", "account.holder_name")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Record, BodyKind.Place).ReleasedToAllPartners().Caveated(Child), Why.Investigation, Redacted("place.name", "place.address", "place.latitude", "place.longitude")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Record, BodyKind.Phone).ReleasedToAllPartners().Caveated(Source), Why.Investigation, Redacted("evaluation")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Entity, BodyKind.Person).ReleasedToAllPartners().Caveated(Source | Child), Why.Investigation, Redacted([.. PersonIdentity, "evaluation"])),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Link, BodyKind.Link).ReleasedToAllPartners().Caveated(Victim), Why.Investigation, Redacted("link.target_record_id", "link.target_source_ref")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Link, BodyKind.Link).ReleasedToAllPartners().Caveated(Source).Discoverable(), Why.Investigation, ExistenceOnly("caveat-not-redactable")),
        new(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Entity, BodyKind.Unspecified).ReleasedToAllPartners().Caveated(Victim), Why.Investigation, Deny("caveat-not-redactable")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", Covers: Victim)), PoliceRecord.Caveated(Victim), Why.Investigation, Permit("need-to-know")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1")), PoliceRecord.Caveated(Victim), Why.Investigation, Redacted(PersonIdentity)),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", Covers: Child)), PoliceRecord.Releasable(Border).Caveated(Child), Why.Investigation, Permit("need-to-know")),
        new(BorderAnalyst.Holding(new GrantSpec("G-1", "rec-1", GrantWindow.Expired, Covers: Child)), PoliceRecord.Releasable(Border).Caveated(Child), Why.Investigation, Redacted(PersonIdentity)),
    ];

    public static TheoryData<PolicyCase> Rows() => new(Table);

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decides_as_the_table_says(PolicyCase row)
    {
        var decision = row.Decide(Policy);

        var actual = new Expected(decision.Effect, decision.Rule.Id, decision.RedactedFields);
        Assert.True(actual.Matches(row.Expected), $"{row}\n  but got {actual} ({decision.Explain()})");
    }

    [Fact]
    public void The_table_exercises_every_rule_and_every_effect()
    {
        Assert.True(Table.Length >= 40, $"only {Table.Length} rows");
        Assert.Empty(PolicyRules.All.Select(r => r.Id).Except(Table.Select(r => r.Expected.RuleId)));
        Assert.Empty(Enum.GetValues<AccessEffect>().Except(Table.Select(r => r.Expected.Effect)));
    }
}
