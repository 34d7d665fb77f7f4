using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Comparison;

/// <summary>The fields compared for each kind of record, in comparison-vector order.</summary>
public static class ComparisonSets
{
    public static IReadOnlyList<FieldComparison> Person { get; } =
    [
        new NameComparison(given: true),
        new NameComparison(given: false),
        new DateOfBirthComparison(),
        new ExactComparison("sex", r => r.Sex switch { 'm' => "m", 'f' => "f", _ => "" }),
        new SharedValueComparison("nationality", r => r.Nationalities),
        new SharedValueComparison("phone", r => r.Phones),
        new SharedValueComparison("document", r => r.Documents),
        new ExactComparison("other id", r => r.OtherId),
        new StreetComparison(),
        new PostcodeComparison(),
        new LocalityComparison(),
        new RegionComparison(),
    ];

    public static IReadOnlyList<FieldComparison> Organisation { get; } =
    [
        new OrganisationNameComparison(),
        new ExactComparison("registration number", r => r.Registration),
        new ExactComparison("country", r => r.Country),
        new SharedValueComparison("phone", r => r.Phones),
        new StreetComparison(),
        new PostcodeComparison(),
        new LocalityComparison(),
    ];

    public static IReadOnlyList<FieldComparison> For(RecordKind kind) => kind == RecordKind.Person ? Person : Organisation;
}
