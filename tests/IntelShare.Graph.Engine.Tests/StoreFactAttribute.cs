using Xunit.Abstractions;
using Xunit.Sdk;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>
/// Names the environment variable a store's test class needs (e.g. the address of a server this machine cannot run);
/// without it every <see cref="StoreFactAttribute"/> test of the class is reported skipped rather than failed.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}

/// <summary>
/// A fact of <see cref="GraphStoreContract"/>. It is declared once on the abstract class, so whether it is skipped
/// depends on the concrete class it runs for: a plain <see cref="FactAttribute.Skip"/> would skip it for every store.
/// </summary>
[XunitTestCaseDiscoverer("IntelShare.Graph.Engine.Tests.StoreFactDiscoverer", "IntelShare.Graph.Engine.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new StoreTestCase(diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

public sealed class StoreTestCase : XunitTestCase
{
    /// <summary>For the runner's deserialisation only.</summary>
    [Obsolete("Called by the deserialiser only.")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnostics, display, displayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var required = TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute))
            .Select(a => (string)a.GetConstructorArguments().First())
            .FirstOrDefault(v => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
        return required is null ? base.GetSkipReason(factAttribute) : $"{required} is not set: no server to test against on this machine.";
    }
}
