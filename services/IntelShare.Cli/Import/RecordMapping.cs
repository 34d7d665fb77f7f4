using System.Collections;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>
/// Where one field's value comes from: the first of <see cref="Columns"/> the row has a value in (normalised names), or
/// a constant. <see cref="Required"/> columns must exist in a CSV header.
/// </summary>
internal sealed record MappingEntry(FieldPath Path, IReadOnlyList<string> Columns)
{
    public string? Constant { get; init; }

    /// <summary>A .NET date format for date and time fields (yyyyMMdd, dd/MM/yyyy).</summary>
    public string? Format { get; init; }

    public bool Required { get; init; }

    /// <summary>
    /// The columns were listed by the user (--mapping, --source-ref-column) to be tried in each row, where a row without
    /// a value in the first has one in the next; a list field takes the values of all of them. The built-in mapping's
    /// are other names for one column, of which a file's header keeps the first it has.
    /// </summary>
    public bool PerRow { get; init; }

    /// <summary>Every listed column's values go into a list field, as a user listing a mobile and an alternative phone expects.</summary>
    private bool Combines => PerRow && Path.IsList;

    public string Source => Constant is not null ? $"\"{Constant}\" (constant)" : string.Join(Combines ? " + " : " | ", Columns);

    /// <summary>The value for the field (a list field's values joined by ';'), and the columns it came from.</summary>
    public (string? Value, string? Column) Read(SourceRow row)
    {
        if (Constant is not null)
        {
            return (Constant, null);
        }

        var found = Columns.Where(row.Values.ContainsKey);
        if (!Combines)
        {
            return found.FirstOrDefault() is { } column ? (row.Values[column], column) : (null, null);
        }

        var used = found.ToList();
        return used.Count == 0 ? (null, null) : (string.Join(";", used.Select(c => row.Values[c])), string.Join(", ", used));
    }
}

/// <summary>
/// A mapping from a source row to a <see cref="RecordContent"/> of one record type: the list of
/// field paths and where each takes its value. It is data, so it can be loaded, printed and
/// checked against a file's header before any row is read.
/// </summary>
internal sealed class RecordMapping
{
    private const string SourceRefPath = "source_ref";

    /// <summary>
    /// The fields of which an entry in a list (a link, an identity document) needs one for the platform to take it. A
    /// mapping sets an entry's fields from several columns and constants, and a row that leaves its identifying column
    /// empty has no such entry: a constant relationship or an issuing country alone would otherwise sink the row.
    /// </summary>
    private static readonly Dictionary<MessageDescriptor, string[]> IdentifyingFields = new()
    {
        [RecordLink.Descriptor] = ["target_record_id", "target_source_ref"],
        [IdentityDocument.Descriptor] = ["number"],
    };

    private RecordMapping(FieldDescriptor body, IReadOnlyList<MappingEntry> entries)
    {
        Body = body;
        Entries = entries;
    }

    public FieldDescriptor Body { get; }

    public IReadOnlyList<MappingEntry> Entries { get; }

    /// <summary>Whether some entry gives the records their source reference, which the platform requires.</summary>
    public bool ReadsSourceRef => Entries.Any(e => e.Path.Text == SourceRefPath);

    /// <summary>The built-in mapping for a record type: recognises the usual column names.</summary>
    public static RecordMapping Default(FieldDescriptor body) => new(body, DefaultMappings.For(body));

    /// <summary>
    /// A mapping file: a JSON object from field path to a column name, or to an object with
    /// "column" (or "columns", tried in order in each row; a list field takes them all), "value" (a constant) and "format" (for dates).
    /// </summary>
    public static RecordMapping Load(string file, FieldDescriptor body)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(File.ReadAllText(InputFiles.Require(file, "mapping file")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read the mapping {file}: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"The mapping {file} must be a JSON object from field path to column.");
        }

        var entries = root.EnumerateObject().Select(property => ParseEntry(file, body, property)).ToList();
        // Both entries would set the field, row by row, from whichever came last with a value: a silent mix of two columns.
        var twice = entries.GroupBy(e => e.Path.Key).Where(g => g.Count() > 1).ToList();
        if (twice.Count > 0)
        {
            throw new UsageException(
                $"Mapping {file}: " +
                string.Join(" ", twice.Select(g => g.Select(e => e.Path.Text).Distinct().ToList() is [var only]
                    ? $"'{only}' is mapped {g.Count()} times."
                    : $"{string.Join(" and ", g.Select(e => $"'{e.Path}'"))} map the same field, {g.Key}.")) +
                " Map each field once; to take a field from whichever of several columns has a value, list them in \"columns\".");
        }

        return new RecordMapping(body, entries);
    }

    /// <summary>Takes source_ref from the named column, which then feeds nothing else.</summary>
    public RecordMapping WithSourceRefColumn(string column)
    {
        var normalised = ColumnNames.Normalise(column);
        var sourceRef = new MappingEntry(FieldPath.Parse(SourceRefPath), [normalised]) { Required = true, PerRow = true };
        var others = Entries
            .Where(e => e.Path.Text != SourceRefPath)
            .Select(e => e with { Columns = e.Columns.Where(c => c != normalised).ToList() })
            .Where(e => e.Constant is not null || e.Columns.Count > 0);
        return new RecordMapping(Body, [sourceRef, .. others]);
    }

    /// <summary>
    /// The mapping narrowed to the columns a file has; a required column that is missing, or no column for the source
    /// reference, is a usage error.
    /// </summary>
    public RecordMapping ForColumns(IReadOnlyCollection<string> columns)
    {
        var present = columns.ToHashSet(StringComparer.Ordinal);
        var entries = new List<MappingEntry>();
        // Every missing column at once: a mapping with several misspelt ones is fixed in one go, not one per run.
        var missing = new List<string>();
        foreach (var entry in Entries)
        {
            if (entry.Constant is not null)
            {
                entries.Add(entry);
                continue;
            }

            var listed = entry.Columns.Where(present.Contains).ToList();
            if (listed.Count > 0)
            {
                entries.Add(entry with { Columns = entry.PerRow ? listed : [listed[0]] });
            }
            else if (entry.Required)
            {
                missing.Add(entry.Columns.Count == 1
                    ? $"{entry.Path} is read from column '{entry.Columns[0]}', which the file does not have."
                    : $"{entry.Path} is read from columns {string.Join(", ", entry.Columns.Select(c => $"'{c}'"))}, none of which the file has.");
            }
        }

        if (missing.Count > 0)
        {
            throw new UsageException($"{string.Join(" ", missing)} Its columns: {string.Join(", ", columns)}.");
        }

        var narrowed = new RecordMapping(Body, entries);
        // The platform would refuse every row: better said once, before anything is sent.
        return narrowed.ReadsSourceRef
            ? narrowed
            : throw new UsageException(
                "No column gives the records their source reference, your own reference for each row, which the platform requires: " +
                $"give --source-ref-column <column> (or map source_ref in --mapping). The file's columns: {string.Join(", ", columns)}.");
    }

    /// <summary>Columns of a file that no field reads, to tell the user what is left behind.</summary>
    public IReadOnlyList<string> Unmapped(IEnumerable<string> columns) =>
        columns.Where(c => !Entries.Any(e => e.Columns.Contains(c))).ToList();

    public (RecordContent Content, IReadOnlyList<FieldProblem> Problems) Map(SourceRow row)
    {
        var content = new RecordContent();
        Body.Accessor.SetValue(content, ProtoFields.NewMessage(Body.MessageType));
        var problems = new List<FieldProblem>();
        foreach (var entry in Entries)
        {
            var (value, column) = entry.Read(row);
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            try
            {
                entry.Path.Set(content, value, entry.Format);
            }
            catch (FieldValueException e)
            {
                problems.Add(Problems.Of(entry.Path.Text, column is null ? e.Message : $"{e.Message} (column {column})"));
            }
        }

        LeaveOutUnidentifiedEntries(content);
        return (content, problems);
    }

    private static void LeaveOutUnidentifiedEntries(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder().Where(ProtoFields.IsComposite))
        {
            var value = field.Accessor.GetValue(message);
            if (!field.IsRepeated)
            {
                if (value is IMessage child)
                {
                    LeaveOutUnidentifiedEntries(child);
                }

                continue;
            }

            var list = (IList)value;
            foreach (var entry in list.Cast<IMessage>().ToList())
            {
                if (IdentifyingFields.TryGetValue(field.MessageType, out var identifying)
                    && identifying.All(name => string.IsNullOrWhiteSpace((string)field.MessageType.FindFieldByName(name).Accessor.GetValue(entry))))
                {
                    list.Remove(entry);
                }
                else
                {
                    LeaveOutUnidentifiedEntries(entry);
                }
            }
        }
    }

    private static MappingEntry ParseEntry(string file, FieldDescriptor body, JsonProperty property)
    {
        FieldPath path;
        try
        {
            path = FieldPath.Parse(property.Name);
        }
        catch (UsageException e)
        {
            throw new UsageException($"Mapping {file}: {e.Message}");
        }

        if (path.IsMarking)
        {
            throw new UsageException($"Mapping {file}: {path} cannot be mapped: the marking comes from the import options (--classification, --releasable-to, --handling...).");
        }

        if (path.Body is not null && path.Body != body)
        {
            throw new UsageException($"Mapping {file}: {path} belongs to {path.Body.Name} records, but the import is of {body.Name} records.");
        }

        var value = property.Value;
        return value.ValueKind switch
        {
            JsonValueKind.String => new MappingEntry(path, [ColumnNames.Normalise(value.GetString()!)]) { Required = true, PerRow = true },
            JsonValueKind.Object => ParseEntryObject(file, path, value),
            _ => throw new UsageException($"Mapping {file}: {path} must map to a column name or to an object with \"column\", \"value\" or \"format\"."),
        };
    }

    private static MappingEntry ParseEntryObject(string file, FieldPath path, JsonElement value)
    {
        List<string> columns = [];
        string? constant = null;
        string? format = null;
        foreach (var option in value.EnumerateObject())
        {
            switch (option.Name)
            {
                case "column" when option.Value.ValueKind == JsonValueKind.String:
                    columns.Add(ColumnNames.Normalise(option.Value.GetString()!));
                    break;
                case "columns" when option.Value.ValueKind == JsonValueKind.Array:
                    foreach (var column in option.Value.EnumerateArray())
                    {
                        columns.Add(column.ValueKind == JsonValueKind.String
                            ? ColumnNames.Normalise(column.GetString()!)
                            : throw new UsageException($"Mapping {file}: {path} \"columns\" must list column names in quotes, but lists {column.GetRawText()}."));
                    }

                    break;
                case "value":
                    constant = option.Value.ValueKind == JsonValueKind.String ? option.Value.GetString() : option.Value.GetRawText();
                    break;
                case "format" when option.Value.ValueKind == JsonValueKind.String:
                    format = option.Value.GetString();
                    break;
                default:
                    throw new UsageException($"Mapping {file}: {path} has an unknown or mistyped setting \"{option.Name}\" (expected \"column\", \"columns\", \"value\" or \"format\").");
            }
        }

        if ((columns.Count == 0) == (constant is null))
        {
            throw new UsageException($"Mapping {file}: {path} needs either a \"column\" or a \"value\".");
        }

        // Of listed columns at least one must be in a CSV header: with none, the field would be left out of every row unsaid.
        return new MappingEntry(path, columns) { Constant = constant, Format = format, Required = columns.Count > 0, PerRow = true };
    }
}
