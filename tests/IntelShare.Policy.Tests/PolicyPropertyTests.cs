using IntelShare.Domain;

namespace IntelShare.Policy.Tests;

/// <summary>
/// Invariants that must hold however the rules combine, checked over thousands of random reads.
/// Each property has its own seed so that a failure names a reproducible scenario.
/// </summary>
public sealed class PolicyPropertyTests
{
    private const int Iterations = 5_000;

    private static readonly NeedToKnowPolicy Policy = new();

    private static readonly Caveat[] EachCaveat = [Caveat.VictimIdentity, Caveat.SourceSensitive, Caveat.Child];

    [Fact]
    public void Deny_by_default_without_originator_release_case_or_grant_nothing_is_readable()
    {
        ForEachScenario(1, (scenario, generator) =>
        {
            var unreleased = Unreleased(scenario, generator);
            var decision = unreleased.Decide(Policy);

            var oversightOfWithdrawn = unreleased.Resource.Withdrawn && unreleased.Subject.HasRole(Roles.Oversight);
            Assert.False(decision.IsPermitted && !oversightOfWithdrawn, $"{unreleased}\n  → {decision}");
        });
    }

    [Fact]
    public void Adding_an_entitlement_never_reduces_access()
    {
        ForEachScenario(2, (scenario, _) =>
        {
            var before = scenario.Decide(Policy);
            foreach (var caveat in EachCaveat)
            {
                var entitled = scenario.WithSubject(s => s with
                {
                    CaveatEntitlements = s.CaveatEntitlements.Append(CaveatNames.Names(caveat)[0]).ToHashSet(StringComparer.Ordinal),
                });
                AssertNoLessAccess(before, entitled.Decide(Policy), entitled);
            }
        });
    }

    [Fact]
    public void Raising_clearance_never_reduces_access()
    {
        ForEachScenario(3, (scenario, _) =>
        {
            var before = scenario.Decide(Policy);
            for (var level = scenario.Subject.Clearance + 1; level <= ClearanceLevel.TopSecret; level++)
            {
                var cleared = scenario.WithSubject(s => s with { Clearance = level });
                AssertNoLessAccess(before, cleared.Decide(Policy), cleared);
            }
        });
    }

    [Fact]
    public void Releasing_to_the_readers_agency_or_holding_an_applicable_grant_never_reduces_access()
    {
        ForEachScenario(4, (scenario, _) =>
        {
            var before = scenario.Decide(Policy);

            var released = scenario.WithResource(r => r with { ReleasableTo = r.ReleasableTo.Append(scenario.Subject.Agency).ToHashSet(StringComparer.Ordinal) });
            AssertNoLessAccess(before, released.Decide(Policy), released);

            var granted = scenario.WithGrants(scenario.Context.Grants.Append(new AccessGrant(
                "G-new", scenario.Subject.UserId, new HashSet<string> { scenario.Resource.ResourceId },
                Clock.Now.AddDays(-1), Clock.Now.AddDays(1), scenario.Resource.OriginatorAgency)));
            AssertNoLessAccess(before, granted.Decide(Policy), granted);
        });
    }

    [Fact]
    public void A_resource_that_is_not_discoverable_is_never_reported_as_existing()
    {
        ForEachScenario(5, (scenario, _) =>
        {
            var hidden = scenario.WithResource(r => r with { Discoverable = false });
            var decision = hidden.Decide(Policy);

            Assert.True(decision.Effect != AccessEffect.ExistenceOnly, $"{hidden}\n  → {decision}");
            Assert.Null(decision.Holder);
        });
    }

    [Fact]
    public void Immigration_enforcement_never_reaches_victim_or_child_data_not_even_as_a_hit()
    {
        ForEachScenario(6, (scenario, generator) =>
        {
            var victimData = scenario.WithResource(r => r with { Caveats = r.Caveats | generator.Pick([Caveat.VictimIdentity, Caveat.Child]) }) with
            {
                Justification = scenario.Justification with { Purpose = ReadPurpose.ImmigrationEnforcement },
            };
            var decision = victimData.Decide(Policy);

            Assert.True(decision.Effect == AccessEffect.Deny, $"{victimData}\n  → {decision}");
        });
    }

    [Fact]
    public void A_withdrawn_resource_is_never_readable_or_reported_to_anyone_but_oversight()
    {
        ForEachScenario(7, (scenario, _) =>
        {
            var withdrawn = scenario
                .WithResource(r => r with { Withdrawn = true })
                .WithSubject(s => s with { Roles = s.Roles.Where(r => r != Roles.Oversight).ToHashSet(StringComparer.Ordinal) });
            var decision = withdrawn.Decide(Policy);

            Assert.True(decision.Effect == AccessEffect.Deny, $"{withdrawn}\n  → {decision}");
        });
    }

    [Fact]
    public void A_grant_for_another_user_another_resource_another_agency_or_outside_its_window_changes_nothing()
    {
        ForEachScenario(8, (scenario, generator) =>
        {
            var before = scenario.Decide(Policy);
            var subject = scenario.Subject;
            var resource = scenario.Resource;
            var otherResource = ScenarioGenerator.ResourceIds.First(id => id != resource.ResourceId);
            var otherAgency = ScenarioGenerator.Agencies.First(a => a != resource.OriginatorAgency);
            var applicable = new AccessGrant("G-x", subject.UserId, new HashSet<string> { resource.ResourceId },
                Clock.Now.AddDays(-1), Clock.Now.AddDays(1), resource.OriginatorAgency, generator.NextCaveats(0.5));
            AccessGrant[] irrelevant =
            [
                applicable with { GranteeUserId = subject.UserId + ".other" },
                applicable with { ResourceIds = new HashSet<string> { otherResource } },
                applicable with { GrantedByAgency = otherAgency },
                applicable with { ValidFrom = Clock.Now.AddDays(-10), ValidTo = Clock.Now.AddDays(-1) },
                applicable with { ValidFrom = Clock.Now.AddSeconds(1), ValidTo = Clock.Now.AddDays(10) },
                applicable with { ValidFrom = Clock.Now.AddDays(-1), ValidTo = Clock.Now },
            ];

            foreach (var grant in irrelevant)
            {
                var withGrant = scenario.WithGrants(scenario.Context.Grants.Append(grant));
                var after = withGrant.Decide(Policy);
                Assert.True(
                    after.Effect == before.Effect && after.Rule == before.Rule && after.RedactedFields.SequenceEqual(before.RedactedFields),
                    $"{withGrant}\n  before {before}\n  after  {after}");
            }
        });
    }

    [Fact]
    public void A_read_without_a_reason_is_always_refused()
    {
        ForEachScenario(9, (scenario, generator) =>
        {
            var unjustified = scenario with { Justification = scenario.Justification with { Reason = generator.Pick<string?>([null, "", " \t"]) } };
            var decision = unjustified.Decide(Policy);

            Assert.True(decision.Effect == AccessEffect.Deny && decision.Rule == PolicyRules.JustificationRequired, $"{unjustified}\n  → {decision}");
        });
    }

    [Fact]
    public void Every_decision_carries_exactly_the_parts_its_effect_allows()
    {
        ForEachScenario(10, (scenario, _) =>
        {
            var decision = scenario.Decide(Policy);
            var resource = scenario.Resource;
            var context = $"{scenario}\n  → {decision}";

            Assert.True(decision.Holder == (decision.Effect == AccessEffect.ExistenceOnly
                ? new ResourceHolder(resource.OriginatorAgency, resource.Kind, resource.ResourceId)
                : null), context);
            Assert.True(decision.HandlingConditions == (decision.IsPermitted ? resource.HandlingConditions : null), context);
            Assert.True(decision.RedactedFields.IsEmpty == (decision.Effect != AccessEffect.PermitRedacted), context);
            Assert.True(!scenario.Subject.HasRole(Roles.Oversight) || decision.SafeToShowCaller, context);
            Assert.True(decision.Effect != AccessEffect.Permit || !resource.Withdrawn || scenario.Subject.HasRole(Roles.Oversight), context);
            Assert.Equal(decision.Effect, scenario.Decide(Policy).Effect);
        });
    }

    [Fact]
    public void Deciding_many_at_once_decides_each_as_alone()
    {
        var generator = new ScenarioGenerator(11);
        for (var i = 0; i < Iterations / 10; i++)
        {
            var scenario = generator.Next();
            var resources = Enumerable.Range(0, 10).Select(_ => generator.NextResource()).ToList();

            var batch = Policy.DecideMany(scenario.Subject, scenario.Context, resources, scenario.Justification, Clock.Now);
            var spanBatch = new AccessDecision[resources.Count];
            Policy.DecideMany(scenario.Subject, scenario.Context, resources.ToArray(), scenario.Justification, Clock.Now, spanBatch);

            for (var j = 0; j < resources.Count; j++)
            {
                var alone = Policy.Decide(scenario.Subject, scenario.Context, resources[j], scenario.Justification, Clock.Now);
                Assert.Equal(alone.ToString(), batch[j].ToString());
                Assert.Equal(alone.ToString(), spanBatch[j].ToString());
                Assert.Equal<string>(alone.RedactedFields, batch[j].RedactedFields);
            }
        }
    }

    [Fact]
    public void The_generator_reaches_every_effect_and_rule()
    {
        var seen = new HashSet<string>();
        var effects = new HashSet<AccessEffect>();
        ForEachScenario(12, (scenario, _) =>
        {
            var decision = scenario.Decide(Policy);
            seen.Add(decision.Rule.Id);
            effects.Add(decision.Effect);
        });

        Assert.Equal(Enum.GetValues<AccessEffect>().Length, effects.Count);
        Assert.Empty(PolicyRules.All.Select(r => r.Id).Except(seen));
    }

    private static void ForEachScenario(int seed, Action<Scenario, ScenarioGenerator> check)
    {
        var generator = new ScenarioGenerator(seed);
        for (var i = 0; i < Iterations; i++)
        {
            check(generator.Next(), generator);
        }
    }

    /// <summary>The scenario with every way the resource could be open to the reader taken away.</summary>
    private static Scenario Unreleased(Scenario scenario, ScenarioGenerator generator)
    {
        var subject = scenario.Subject;
        var originator = scenario.Resource.OriginatorAgency == subject.Agency
            ? generator.Pick(ScenarioGenerator.Agencies.Where(a => a != subject.Agency).ToList())
            : scenario.Resource.OriginatorAgency;
        var resource = scenario.Resource with
        {
            OriginatorAgency = originator,
            ReleaseToAllPartners = false,
            ReleasableTo = scenario.Resource.ReleasableTo.Where(a => a != subject.Agency).ToHashSet(StringComparer.Ordinal),
            CaseRefs = scenario.Resource.CaseRefs.Where(c => !scenario.Context.CaseMemberships.Contains(c)).ToList(),
        };

        // Stated here independently of AccessGrant.AppliesTo, so that a bug there cannot hide itself.
        var grants = scenario.Context.Grants.Where(g =>
            !(g.GranteeUserId == subject.UserId && g.GrantedByAgency == originator && g.ResourceIds.Contains(resource.ResourceId)
              && g.ValidFrom <= Clock.Now && Clock.Now < g.ValidTo));
        return (scenario with { Resource = resource }).WithGrants(grants);
    }

    private static void AssertNoLessAccess(AccessDecision before, AccessDecision after, Scenario changed)
    {
        var context = $"{changed}\n  before {before}\n  after  {after}";
        Assert.True(after.Effect >= before.Effect, context);
        if (before.Effect == AccessEffect.PermitRedacted && after.Effect == AccessEffect.PermitRedacted)
        {
            Assert.True(after.RedactedFields.ToHashSet().IsSubsetOf(before.RedactedFields), context);
        }
    }
}
