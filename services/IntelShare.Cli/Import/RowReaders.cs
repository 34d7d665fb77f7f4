using System.Text;
using System.Text.Json;
using CsvHelper;
using Google.Protobuf;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

internal enum ImportFormat
{
    Csv,
    JsonLines,
}

/// <summary>Reads the data rows of an import file, numbered from 1, in file order.</summary>
internal interface IRowReader : IDisposable
{
    /// <summary>Normalised column names from the header; null when the format has none (JSON Lines).</summary>
    IReadOnlyList<string>? Columns { get; }

    /// <summary>
    /// The number of data rows, counted before the import starts so that progress has a total. For text read line by
    /// line, the non-blank lines: a quoted CSV value spanning lines makes it an overestimate.
    /// </summary>
    long CountRows();

    IEnumerable<SourceRow> ReadRows();
}

internal static class RowReaders
{
    public static ImportFormat FormatOf(string file, string? format) => format?.ToLowerInvariant() switch
    {
        "csv" => ImportFormat.Csv,
        "jsonl" or "ndjson" or "json" => ImportFormat.JsonLines,
        null => Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".csv" or ".txt" => ImportFormat.Csv,
            ".jsonl" or ".ndjson" or ".json" => ImportFormat.JsonLines,
            _ => throw new UsageException($"Cannot tell the format of {Path.GetFileName(file)} from its extension: pass --format csv or --format jsonl."),
        },
        _ => throw new UsageException($"Unknown format '{format}': expected csv or jsonl."),
    };

    /// <summary>A reader of the file, which is checked to be text in <paramref name="encoding"/> first.</summary>
    public static IRowReader Open(string file, ImportFormat format, Encoding encoding)
    {
        SourceText.RequireDecodable(file, encoding);
        return format switch
        {
            ImportFormat.Csv => new CsvRowReader(file, encoding),
            _ => JsonRowReader.StartsWithArray(file, encoding) ? new JsonArrayRowReader(file, encoding) : new JsonLinesRowReader(file, encoding),
        };
    }

    public static long CountNonBlankLines(string file, Encoding encoding)
    {
        using var reader = SourceText.Open(file, encoding);
        var lines = 0L;
        while (reader.ReadLine() is { } line)
        {
            lines += string.IsNullOrWhiteSpace(line) ? 0 : 1;
        }

        return lines;
    }
}

/// <summary>CSV with a header row; values and names trimmed, so that "a, b" exports (Febrl) read cleanly.</summary>
internal sealed class CsvRowReader : IRowReader
{
    private readonly CsvReader _csv;
    private readonly string _file;
    private readonly Encoding _encoding;

    // The reader scans ahead in blocks, so a malformed record may be reported before it is returned.
    private readonly Dictionary<long, CsvMalformedReason> _malformed = [];

    // Unnamed columns at the end of the header (a trailing comma) hold nothing, so a row need not have them.
    private readonly int _headerFields;

    public CsvRowReader(string file, Encoding encoding)
    {
        _file = file;
        _encoding = encoding;
        _csv = CsvReader.Create(SourceText.Open(file, encoding), new CsvReaderOptions
        {
            TrimWhitespace = true,
            TrimInsideQuotes = true,
            OnMalformedRecord = record => _malformed.TryAdd(record.RecordNumber, record.Reason),
        });
        Columns = _csv.Headers.Count > 0
            ? _csv.Headers.Select(ColumnNames.Normalise).ToList()
            : throw new UsageException($"{file} is empty: a CSV import needs a header row.");
        RequireDistinctColumns(file, _csv.Headers, Columns);
        _headerFields = Columns.Count;
        while (_headerFields > 1 && Columns[_headerFields - 1].Length == 0)
        {
            _headerFields--;
        }
    }

    public IReadOnlyList<string>? Columns { get; }

    /// <summary>
    /// A row holds one value per column name, so of two columns read as one name ("Phone" and "phone", or a column
    /// exported twice) only the first would be imported and the other left out without a word.
    /// </summary>
    private static void RequireDistinctColumns(string file, IReadOnlyList<string> headers, IReadOnlyList<string> columns)
    {
        var repeated = columns
            .Select((name, index) => (Name: name, Index: index))
            .Where(column => column.Name.Length > 0)
            .GroupBy(column => column.Name, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .Select(group => $"'{group.Key}' is columns {string.Join(" and ", group.Select(c => $"{c.Index + 1} ('{headers[c.Index].Trim()}')"))}")
            .ToList();
        if (repeated.Count > 0)
        {
            throw new UsageException(
                $"The header of {file} names a column more than once, so only the first of each would be imported: {string.Join("; ", repeated)}. " +
                "Rename the columns so that each has its own name (--mapping can then read either).");
        }
    }

    public long CountRows() => Math.Max(0, RowReaders.CountNonBlankLines(_file, _encoding) - 1);

    public IEnumerable<SourceRow> ReadRows()
    {
        long number = 0;
        while (_csv.Read())
        {
            number++;
            var values = new Dictionary<string, string>(Columns!.Count, StringComparer.Ordinal);
            for (var i = 0; i < _csv.FieldCount && i < Columns.Count; i++)
            {
                if (!_csv.IsEmpty(i))
                {
                    values.TryAdd(Columns[i], _csv.GetString(i));
                }
            }

            // Record numbers count the header as record 1. A garbled row is not shared on a guess.
            var problem = _malformed.Remove(number + 1, out var reason) ? Problems.Of("", $"malformed CSV ({reason})") : FieldCountProblem();
            yield return new SourceRow(number, values) { Problem = problem };
        }
    }

    /// <summary>
    /// A row with a field more or fewer than the header has its values under the wrong columns ("Smith, Jr" unquoted
    /// puts "Jr" in the next column and pushes the last value out), so it is not shared on a guess. Empty fields past
    /// the header (a trailing comma) move nothing.
    /// </summary>
    private FieldProblem? FieldCountProblem()
    {
        var fields = _csv.FieldCount;
        while (fields > _headerFields && _csv.IsEmpty(fields - 1))
        {
            fields--;
        }

        return fields == _headerFields
            ? null
            : Problems.Of("", fields > _headerFields
                ? $"has {fields} fields, the header has {_headerFields}: a value with a comma must be quoted"
                : $"has {fields} fields, the header has {_headerFields}: every column needs its field, an empty one too, and a value with a line break must be quoted");
    }

    public void Dispose() => _csv.Dispose();
}

/// <summary>
/// Rows of JSON objects: each either a RecordContent in protobuf JSON (every key one of its field names, and an object
/// or a list of objects under one of them, e.g. "person" or "links") or a flat object whose keys are read like CSV
/// columns. A flat row may use a field name as a column ("phone": [...], "evaluation": {...}), so a row is taken for the
/// record's own shape only when it has nothing else.
/// </summary>
internal abstract class JsonRowReader : IRowReader
{
    private static readonly JsonParser ContentParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    private static readonly HashSet<string> ContentFieldNames = RecordContent.Descriptor.Fields.InDeclarationOrder()
        .SelectMany(f => new[] { f.Name, f.JsonName })
        .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<string>? Columns => null;

    public abstract long CountRows();

    public abstract IEnumerable<SourceRow> ReadRows();

    public virtual void Dispose()
    {
    }

    /// <summary>Whether the file's text starts with '[': a JSON array of rows rather than one row per line.</summary>
    public static bool StartsWithArray(string file, Encoding encoding)
    {
        using var reader = SourceText.Open(file, encoding);
        int next;
        while ((next = reader.Read()) >= 0 && char.IsWhiteSpace((char)next))
        {
        }

        return next == '[';
    }

    protected static SourceRow Parse(long number, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return Failed(number, "not a JSON object");
        }

        if (InContentShape(json))
        {
            try
            {
                return new SourceRow(number, new Dictionary<string, string>()) { Content = ContentParser.Parse<RecordContent>(json.GetRawText()) };
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
            {
                return Failed(number, $"not a valid RecordContent: {e.Message}");
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new List<string>();
        return AddFlatValues(values, keys, "", json) is { } problem
            ? Failed(number, problem)
            : new SourceRow(number, values) { Keys = keys };
    }

    protected static SourceRow Failed(long number, string description) =>
        new(number, new Dictionary<string, string>()) { Problem = Problems.Of("", description) };

    /// <summary>
    /// Only RecordContent's own fields, with a message under one: a flat row's list is of plain values, and its other
    /// keys (id, first_name) are no field of RecordContent.
    /// </summary>
    private static bool InContentShape(JsonElement json) =>
        json.EnumerateObject().All(p => ContentFieldNames.Contains(p.Name))
        && json.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.Object
            || (p.Value.ValueKind == JsonValueKind.Array && p.Value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object)));

    /// <summary>
    /// A flat object's values by column: a nested object's under its key and theirs joined ("evaluation": {"source": ...}
    /// is the column evaluation_source), and every column in <paramref name="keys"/>, with a value or not. Returns why the
    /// row cannot be read flat, if it cannot.
    /// </summary>
    private static string? AddFlatValues(Dictionary<string, string> values, List<string> keys, string prefix, JsonElement json)
    {
        foreach (var property in json.EnumerateObject())
        {
            var column = ColumnNames.Normalise(prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}");
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                if (AddFlatValues(values, keys, column, property.Value) is { } problem)
                {
                    return problem;
                }
            }
            else if (property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().Any(e => e.ValueKind is JsonValueKind.Object or JsonValueKind.Array))
            {
                return $"\"{property.Name}\" holds a list of objects or lists, which a flat row cannot: give plain values (a list of them is the ';'-separated list repeated fields take), " +
                    "or write the row in the record's own shape (source_ref, person, links... and nothing else)";
            }
            else
            {
                keys.Add(column);
                if (FlatValue(property.Value) is { Length: > 0 } value)
                {
                    values.TryAdd(column, value);
                }
            }
        }

        return null;
    }

    /// <summary>Scalars as their text; an array of scalars as the ';'-separated list that repeated fields take.</summary>
    private static string? FlatValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => string.Join(";", value.EnumerateArray().Select(FlatValue).Where(v => !string.IsNullOrEmpty(v))),
        _ => null,
    };
}

/// <summary>JSON Lines: one row per line; a line that is not JSON is that row's problem.</summary>
internal sealed class JsonLinesRowReader(string file, Encoding encoding) : JsonRowReader
{
    private readonly StreamReader _reader = SourceText.Open(file, encoding);

    public override long CountRows() => RowReaders.CountNonBlankLines(file, encoding);

    public override IEnumerable<SourceRow> ReadRows()
    {
        long number = 0;
        while (_reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            number++;
            yield return ParseLine(number, line);
        }
    }

    private static SourceRow ParseLine(long number, string line)
    {
        try
        {
            return Parse(number, JsonDocument.Parse(line).RootElement);
        }
        catch (JsonException e)
        {
            return Failed(number, $"not valid JSON: {e.Message}");
        }
    }

    public override void Dispose() => _reader.Dispose();
}

/// <summary>
/// A JSON array of rows (a pretty-printed export), numbered as JSON Lines rows are. Past a syntax error nothing can be
/// told apart, so the whole file is checked when it is opened and a broken one refused before anything is sent.
/// </summary>
internal sealed class JsonArrayRowReader : JsonRowReader
{
    private readonly string _file;
    private readonly Encoding _encoding;
    private readonly long _rows;

    public JsonArrayRowReader(string file, Encoding encoding)
    {
        _file = file;
        _encoding = encoding;
        try
        {
            _rows = Elements().LongCount();
        }
        catch (JsonException e)
        {
            throw new UsageException(
                $"{file} is a JSON array that is not valid JSON at line {e.LineNumber + 1}: {e.Message} Nothing was sent. Correct it, " +
                "or import it as JSON Lines, one object per line (jq -c '.[]' in.json > out.jsonl), where a broken line is only that row's problem.");
        }
    }

    public override long CountRows() => _rows;

    public override IEnumerable<SourceRow> ReadRows() => Elements().Select((json, index) => Parse(index + 1, json));

    private IEnumerable<JsonElement> Elements()
    {
        using var stream = SourceText.OpenUtf8(_file, _encoding);
        foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream).ToBlockingEnumerable())
        {
            yield return element;
        }
    }
}
