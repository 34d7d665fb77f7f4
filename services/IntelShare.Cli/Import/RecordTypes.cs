using Google.Protobuf.Reflection;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>The record types, named as the body fields of <see cref="RecordContent"/> are (person, vehicle...).</summary>
internal static class RecordTypes
{
    private static readonly IReadOnlyList<FieldDescriptor> Bodies =
        RecordContent.Descriptor.Oneofs.Single(o => o.Name == "body").Fields.ToList();

    public static IReadOnlyList<string> Names { get; } = Bodies.Select(b => b.Name).ToList();

    public static FieldDescriptor Body(string name) =>
        Bodies.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"Unknown record type '{name}': expected one of {string.Join(", ", Names)}.");

    /// <summary>The body field a record's content uses, or null when it has none.</summary>
    public static FieldDescriptor? BodyOf(RecordContent content) =>
        Bodies.FirstOrDefault(b => b.FieldNumber == (int)content.BodyCase);
}
