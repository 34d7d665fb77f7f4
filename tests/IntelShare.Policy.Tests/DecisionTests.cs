using IntelShare.Domain;
using static IntelShare.Domain.ClearanceLevel;

namespace IntelShare.Policy.Tests;

/// <summary>What a decision carries besides its effect: explanation, disclosure to the caller, handling, options.</summary>
public sealed class DecisionTests
{
    private static readonly NeedToKnowPolicy Policy = new();

    private static readonly ReaderSpec BorderAnalyst = ReaderSpec.Analyst("BORDER");

    private static readonly ItemSpec PoliceRecord = ItemSpec.Of("POL-ATU");

    private static AccessDecision Decide(ReaderSpec reader, ItemSpec item, Why? why = null, NeedToKnowPolicy? policy = null) =>
        new PolicyCase(reader, item, why ?? Why.Investigation, Expected.Deny("unused")).Decide(policy ?? Policy);

    [Fact]
    public void A_decision_never_made_is_a_deny()
    {
        var decision = default(AccessDecision);

        Assert.Equal(AccessEffect.Deny, decision.Effect);
        Assert.Same(PolicyRules.NotEvaluated, decision.Rule);
        Assert.Empty(decision.RedactedFields);
        Assert.False(decision.IsPermitted);
    }

    [Fact]
    public void The_explanation_names_the_rule_and_the_particulars()
    {
        var decision = Decide(BorderAnalyst.Cleared(OfficialSensitive), PoliceRecord.Classified(Secret).Releasable("BORDER"));

        Assert.Equal("clearance-below-classification: SECRET record, OFFICIAL_SENSITIVE clearance", decision.Explain());
    }

    [Fact]
    public void A_caller_denied_an_undiscoverable_item_learns_nothing_about_it_but_oversight_learns_why()
    {
        var item = PoliceRecord.Classified(Secret).Releasable("BORDER", "OVERSIGHT");

        var denied = Decide(BorderAnalyst.Cleared(Official), item);
        var oversight = Decide(ReaderSpec.WithRoles("OVERSIGHT", Roles.Oversight).Cleared(Official), item);

        Assert.False(denied.SafeToShowCaller);
        Assert.Same(PolicyRules.Withheld, denied.CallerRule);
        Assert.DoesNotContain("SECRET", denied.ExplainToCaller());
        Assert.True(oversight.SafeToShowCaller);
        Assert.Equal(oversight.Explain(), oversight.ExplainToCaller());
    }

    [Fact]
    public void Purpose_limitation_does_not_tell_the_caller_that_the_item_concerns_a_victim()
    {
        var decision = Decide(BorderAnalyst, PoliceRecord.Releasable("BORDER").Caveated(Caveat.VictimIdentity).Discoverable(), Why.Immigration);

        Assert.Equal("purpose-limitation: IMMIGRATION_ENFORCEMENT purpose, VICTIM_IDENTITY caveat", decision.Explain());
        Assert.Equal("withheld", decision.CallerRule.Id);
        Assert.DoesNotContain("VICTIM", decision.ExplainToCaller());
        Assert.Null(decision.Holder);
    }

    [Fact]
    public void A_hit_names_the_holder_and_the_reference_and_says_the_item_is_not_released()
    {
        var decision = Decide(BorderAnalyst, PoliceRecord.Shaped(ResourceKind.Entity, BodyKind.Person).Discoverable());

        Assert.Equal(AccessEffect.ExistenceOnly, decision.Effect);
        Assert.Equal(new ResourceHolder("POL-ATU", ResourceKind.Entity, "rec-1"), decision.Holder);
        Assert.True(decision.SafeToShowCaller);
        Assert.Null(decision.HandlingConditions);
    }

    [Fact]
    public void A_hit_refused_on_clearance_does_not_tell_the_classification()
    {
        var decision = Decide(BorderAnalyst.Cleared(Official), PoliceRecord.Classified(TopSecret).Releasable("BORDER").Discoverable());

        Assert.Equal(AccessEffect.ExistenceOnly, decision.Effect);
        Assert.NotNull(decision.Holder);
        Assert.False(decision.SafeToShowCaller);
    }

    [Fact]
    public void A_permit_carries_the_handling_conditions_and_flags_a_passed_review_date()
    {
        var resource = PoliceRecord.Releasable("BORDER").ToMarking() with { ReviewDate = Clock.Now };
        var decision = Policy.Decide(BorderAnalyst.ToSubject(), AccessContext.None, resource, Why.Investigation.ToJustification(), Clock.Now);

        Assert.Equal(AccessEffect.Permit, decision.Effect);
        Assert.Equal(HandlingKind.C, decision.Handling);
        Assert.Equal(resource.HandlingConditions, decision.HandlingConditions);
        Assert.True(decision.ReviewDue);
        Assert.Equal(AccessBasis.ReleasableToAgency, decision.Details.Basis);
    }

    [Fact]
    public void The_decision_records_which_case_or_grant_opened_the_item()
    {
        var byCase = Decide(BorderAnalyst.MemberOf("OP-B", "OP-A"), PoliceRecord.InCases("OP-A"));
        var byGrant = Decide(BorderAnalyst.Holding(new GrantSpec("G-7", "rec-1")), PoliceRecord);

        Assert.Equal((AccessBasis.CaseMembership, "OP-A"), (byCase.Details.Basis, byCase.Details.CaseRef));
        Assert.Equal("need-to-know: grant G-7 from POL-ATU", byGrant.Explain());
    }

    [Fact]
    public void A_reader_gets_a_record_without_the_cases_it_is_not_on_which_only_its_originator_and_oversight_see_whole()
    {
        var item = PoliceRecord.Releasable("BORDER").InCases("OP-A", "OP-B", "OP-C");

        var onOne = Decide(BorderAnalyst.MemberOf("OP-B"), item);
        var onNone = Decide(BorderAnalyst, item);
        var originator = Decide(ReaderSpec.Analyst("POL-ATU"), item);
        var oversight = Decide(ReaderSpec.WithRoles("OVERSIGHT", Roles.Oversight).Cleared(TopSecret), item.Withdrawn(), Why.OversightAudit);

        Assert.Equal(AccessEffect.PermitRedacted, onOne.Effect);
        Assert.Equal(["marking.case_refs[0]", "marking.case_refs[2]"], onOne.RedactedFields.ToArray());
        Assert.Equal(["marking.case_refs[0]", "marking.case_refs[1]", "marking.case_refs[2]"], onNone.RedactedFields.ToArray());
        Assert.Equal((AccessEffect.Permit, 0), (originator.Effect, originator.RedactedFields.Length));
        Assert.Equal((AccessEffect.Permit, 0), (oversight.Effect, oversight.RedactedFields.Length));
    }

    [Fact]
    public void An_unknown_purpose_is_no_justification()
    {
        var decision = Policy.Decide(
            BorderAnalyst.ToSubject(), AccessContext.None, PoliceRecord.ReleasedToAllPartners().ToMarking(),
            new ReadJustification("OP-A", "a reason", (ReadPurpose)99), Clock.Now);

        Assert.Same(PolicyRules.JustificationRequired, decision.Rule);
    }

    [Fact]
    public void Options_choose_which_roles_read_and_which_purposes_are_barred_from_which_caveats()
    {
        var policy = new NeedToKnowPolicy(NeedToKnowPolicyOptions.Default with
        {
            ReadingRoles = [Roles.Analyst, Roles.Admin],
            BarredCaveatsByPurpose = new Dictionary<ReadPurpose, Caveat> { [ReadPurpose.FrontlineCheck] = Caveat.SourceSensitive },
        });
        var item = PoliceRecord.ReleasedToAllPartners();

        Assert.Equal(AccessEffect.Permit, Decide(ReaderSpec.WithRoles("BORDER", Roles.Admin), item, policy: policy).Effect);
        Assert.Equal("reading-role-required", Decide(ReaderSpec.WithRoles("BORDER", Roles.Contributor), item, policy: policy).Rule.Id);
        Assert.Equal("purpose-limitation", Decide(BorderAnalyst, item.Caveated(Caveat.SourceSensitive), new Why(ReadPurpose.FrontlineCheck, "check"), policy).Rule.Id);
        Assert.Equal(AccessEffect.PermitRedacted, Decide(BorderAnalyst, item.Caveated(Caveat.VictimIdentity), Why.Immigration, policy).Effect);
    }

    [Fact]
    public void A_redaction_table_without_a_row_for_a_caveat_withholds_the_content_whole()
    {
        var policy = new NeedToKnowPolicy(NeedToKnowPolicyOptions.Default with
        {
            Redactions = new RedactionTable([new RedactionRow(BodyKind.Person, Caveat.VictimIdentity, ["person.name"])]),
        });

        Assert.Equal<string>(["person.name"], Decide(BorderAnalyst, PoliceRecord.ReleasedToAllPartners().Caveated(Caveat.VictimIdentity), policy: policy).RedactedFields);
        Assert.Equal("caveat-not-redactable", Decide(BorderAnalyst, PoliceRecord.ReleasedToAllPartners().Caveated(Caveat.VictimIdentity | Caveat.Child), policy: policy).Rule.Id);
    }

    [Fact]
    public void Unknown_caveat_names_are_refused_rather_than_dropped()
    {
        Assert.Equal(Caveat.VictimIdentity | Caveat.Child, CaveatNames.Parse(["CHILD", "VICTIM_IDENTITY"]));
        Assert.Throws<ArgumentException>(() => CaveatNames.Parse(["VICTIM_IDENTITY", "victim_identity"]));
    }

    [Fact]
    public void Deciding_many_needs_room_for_every_decision()
    {
        var resources = new[] { PoliceRecord.ToMarking(), PoliceRecord.ToMarking() };

        Assert.Throws<ArgumentException>(() => Policy.DecideMany(
            BorderAnalyst.ToSubject(), AccessContext.None, resources, Why.Investigation.ToJustification(), Clock.Now, new AccessDecision[1]));
    }

    [Fact]
    public void Deciding_allocates_nothing_until_someone_asks_for_the_sentence()
    {
        var generator = new ScenarioGenerator(42);
        var scenarios = Enumerable.Range(0, 500).Select(_ => generator.Next()).ToArray();
        var markings = scenarios.Select(s => s.Resource).ToArray();
        var batch = new AccessDecision[markings.Length];
        DecideAll();

        var before = GC.GetAllocatedBytesForCurrentThread();
        DecideAll();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void DecideAll()
        {
            foreach (var s in scenarios)
            {
                Policy.Decide(s.Subject, s.Context, s.Resource, s.Justification, Clock.Now);
            }

            var first = scenarios[0];
            Policy.DecideMany(first.Subject, first.Context, markings, first.Justification, Clock.Now, batch);
        }
    }

    [Fact]
    public void Every_rule_has_a_unique_id_and_a_description()
    {
        Assert.Equal(PolicyRules.All.Count, PolicyRules.All.Select(r => r.Id).Distinct().Count());
        Assert.All(PolicyRules.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Description)));
    }
}
