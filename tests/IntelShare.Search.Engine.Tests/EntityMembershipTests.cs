using IntelShare.Domain;

namespace IntelShare.Search.Engine.Tests;

public sealed class EntityMembershipTests
{
    [Fact]
    public void A_record_moved_or_removed_leaves_its_former_entity()
    {
        var membership = new EntityMembership();
        membership.Set("r1", "E1");
        membership.Set("r2", "E1");
        membership.Set("r3", "E2");

        membership.Set("r2", "E2");
        membership.Set("r1", "");

        Assert.Null(membership.EntityOf("r1"));
        Assert.Equal("E2", membership.EntityOf("r2"));
        Assert.Empty(membership.RecordsOf("E1"));
        Assert.Equal(["r2", "r3"], membership.RecordsOf("E2").Order());
        Assert.Equal(new Dictionary<string, string> { ["r2"] = "E2", ["r3"] = "E2" }, membership.EntitiesOf(["r1", "r2", "r3", "r4"]));
        Assert.Equal(2, membership.Count);
    }
}
