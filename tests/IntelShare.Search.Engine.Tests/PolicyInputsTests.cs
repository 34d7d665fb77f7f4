using System.Collections.Frozen;
using IntelShare.Domain;
using IntelShare.Policy;
using static IntelShare.Search.Engine.Tests.Fixtures;

namespace IntelShare.Search.Engine.Tests;

/// <summary>
/// An index reuses a principal's need-to-know conditions for every principal with the same input key, so the key
/// must change with everything the conditions depend on, and with nothing else.
/// </summary>
public sealed class PolicyInputsTests
{
    private static readonly NeedToKnowPolicyOptions Options = new();

    private static readonly SearchPrincipal Base = new(
        Subject("NCA", ClearanceLevel.OfficialSensitive, [Roles.Analyst], [CaveatNames.SourceSensitive]),
        new AccessContext(new[] { "OP-1", "OP-2" }.ToFrozenSet(), [Grant("user-1", Now.AddDays(-1), Now.AddDays(1), "rec-1")]),
        new ReadJustification("OP-1", "operation test", ReadPurpose.CriminalInvestigation));

    public static TheoryData<string> Changes() => [.. ChangesTo().Keys];

    public static TheoryData<string> Irrelevant() => [.. IrrelevantTo().Keys];

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_change_the_conditions_depend_on_gives_another_key_and_other_conditions(string change)
    {
        var changed = ChangesTo()[change];

        Assert.NotEqual(Key(Base), Key(changed));
        Assert.NotEqual(Written(Base), Written(changed));
    }

    [Theory]
    [MemberData(nameof(Irrelevant))]
    public void A_change_the_conditions_ignore_keeps_the_key_and_the_conditions(string change)
    {
        var changed = IrrelevantTo()[change];

        Assert.Equal(Key(Base), Key(changed));
        Assert.Equal(Written(Base), Written(changed));
    }

    [Fact]
    public void Every_way_of_being_refused_reading_is_one_key_matching_nothing()
    {
        SearchPrincipal[] refused =
        [
            Base with { Justification = Base.Justification with { Reason = " " } },
            Base with { Justification = Base.Justification with { Purpose = (ReadPurpose)99 } },
            Base with { Subject = Base.Subject with { Roles = new[] { Roles.Admin }.ToFrozenSet() } },
        ];

        Assert.Single(refused.Select(Key).Distinct());
        Assert.All(refused, principal => Assert.Equal(new PolicyConditions(Cond.None, Cond.None, Cond.None, Cond.None), PolicyConditions.For(principal, Options, Now)));
    }

    private static Dictionary<string, SearchPrincipal> ChangesTo() => new()
    {
        ["agency"] = Base with { Subject = Base.Subject with { Agency = "GARDA" } },
        ["clearance"] = Base with { Subject = Base.Subject with { Clearance = ClearanceLevel.Secret } },
        ["caveat entitlement"] = Base with { Subject = Base.Subject with { CaveatEntitlements = new[] { CaveatNames.SourceSensitive, CaveatNames.VictimIdentity }.ToFrozenSet() } },
        ["oversight role"] = Base with { Subject = Base.Subject with { Roles = new[] { Roles.Analyst, Roles.Oversight }.ToFrozenSet() } },
        ["purpose barring caveats"] = Base with { Justification = Base.Justification with { Purpose = ReadPurpose.ImmigrationEnforcement } },
        ["case joined"] = Base with { Context = Base.Context with { CaseMemberships = new[] { "OP-1", "OP-2", "OP-3" }.ToFrozenSet() } },
        ["case left"] = Base with { Context = Base.Context with { CaseMemberships = new[] { "OP-1" }.ToFrozenSet() } },
        ["grant added"] = Base with { Context = Base.Context with { Grants = [.. Base.Context.Grants, Grant("user-1", Now.AddDays(-1), Now.AddDays(1), "rec-2")] } },
        ["grant's caveats"] = Base with { Context = Base.Context with { Grants = [Grant("user-1", Now.AddDays(-1), Now.AddDays(1), "rec-1") with { CoveredCaveats = Caveat.VictimIdentity }] } },
        ["grant's agency"] = Base with { Context = Base.Context with { Grants = [Grant("user-1", Now.AddDays(-1), Now.AddDays(1), "rec-1") with { GrantedByAgency = "PSNI" }] } },
        ["grant expired"] = Base with { Context = Base.Context with { Grants = [Grant("user-1", Now.AddDays(-2), Now, "rec-1")] } },
        ["no reason"] = Base with { Justification = Base.Justification with { Reason = "" } },
    };

    private static Dictionary<string, SearchPrincipal> IrrelevantTo() => new()
    {
        ["display name"] = Base with { Subject = Base.Subject with { DisplayName = "Someone Else" } },
        ["another user of the same standing"] = Base with
        {
            Subject = Base.Subject with { UserId = "user-2" },
            Context = Base.Context with { Grants = [Grant("user-2", Now.AddDays(-1), Now.AddDays(1), "rec-1")] },
        },
        ["case and reason of the read"] = Base with { Justification = Base.Justification with { CaseRef = "OP-2", Reason = "another line of enquiry" } },
        ["another reading role"] = Base with { Subject = Base.Subject with { Roles = new[] { Roles.Analyst, Roles.Supervisor }.ToFrozenSet() } },
        ["purpose barring nothing"] = Base with { Justification = Base.Justification with { Purpose = ReadPurpose.IntelligenceAnalysis } },
        ["grant to someone else"] = Base with { Context = Base.Context with { Grants = [.. Base.Context.Grants, Grant("user-9", Now.AddDays(-1), Now.AddDays(1), "rec-2")] } },
        ["grant not yet valid"] = Base with { Context = Base.Context with { Grants = [.. Base.Context.Grants, Grant("user-1", Now.AddDays(1), Now.AddDays(2), "rec-2")] } },
        ["same grant twice"] = Base with { Context = Base.Context with { Grants = [.. Base.Context.Grants, Base.Context.Grants[0] with { GrantId = "again" }] } },
        ["cases in another order"] = Base with { Context = Base.Context with { CaseMemberships = new[] { "OP-2", "OP-1" }.ToFrozenSet() } },
    };

    private static AccessGrant Grant(string grantee, DateTimeOffset from, DateTimeOffset to, string recordId) =>
        new("grant-" + recordId, grantee, new[] { recordId }.ToFrozenSet(), from, to, "GARDA");

    private static string Key(SearchPrincipal principal) => PolicyInputs.Of(principal, Options, Now).Key;

    private static string Written(SearchPrincipal principal)
    {
        var conditions = PolicyConditions.For(principal, Options, Now);
        return string.Join("\n", CondKey.Of(conditions.Visible), CondKey.Of(conditions.Readable), CondKey.Of(conditions.TextReadable), CondKey.Of(conditions.NamesReadable));
    }
}
