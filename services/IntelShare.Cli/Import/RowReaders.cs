using System.Globalization;
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

    public static IRowReader Open(string file, ImportFormat format) => format switch
    {
        ImportFormat.Csv => new CsvRowReader(file),
        _ => new JsonLinesRowReader(file),
    };

    /// <summary>
    /// The number of data rows, counted as non-blank lines before the import starts so that
    /// progress has a total. A quoted CSV value spanning lines makes it an overestimate.
    /// </summary>
    public static long CountRows(string file, ImportFormat format)
    {
        var lines = File.ReadLines(file).LongCount(line => !string.IsNullOrWhiteSpace(line));
        return format == ImportFormat.Csv ? Math.Max(0, lines - 1) : lines;
    }
}

/// <summary>CSV with a header row; values and names trimmed, so that "a, b" exports (Febrl) read cleanly.</summary>
internal sealed class CsvRowReader : IRowReader
{
    private readonly CsvReader _csv;

    // The reader scans ahead in blocks, so a malformed record may be reported before it is returned.
    private readonly Dictionary<long, CsvMalformedReason> _malformed = [];

    // Unnamed columns at the end of the header (a trailing comma) hold nothing, so a row need not have them.
    private readonly int _headerFields;

    public CsvRowReader(string file)
    {
        _csv = CsvReader.FromFile(file, new CsvReaderOptions
        {
            TrimWhitespace = true,
            TrimInsideQuotes = true,
            OnMalformedRecord = record => _malformed.TryAdd(record.RecordNumber, record.Reason),
        });
        Columns = _csv.Headers.Count > 0
            ? _csv.Headers.Select(ColumnNames.Normalise).ToList()
            : throw new UsageException($"{file} is empty: a CSV import needs a header row.");
        _headerFields = Columns.Count;
        while (_headerFields > 1 && Columns[_headerFields - 1].Length == 0)
        {
            _headerFields--;
        }
    }

    public IReadOnlyList<string>? Columns { get; }

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
/// One JSON object per line: either a RecordContent in protobuf JSON (recognised by an object or
/// array under one of its field names, e.g. "person" or "marking") or a flat object whose keys
/// are read like CSV columns.
/// </summary>
internal sealed class JsonLinesRowReader(string file) : IRowReader
{
    private static readonly JsonParser ContentParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    private static readonly HashSet<string> ContentFieldNames = RecordContent.Descriptor.Fields.InDeclarationOrder()
        .SelectMany(f => new[] { f.Name, f.JsonName })
        .ToHashSet(StringComparer.Ordinal);

    private readonly StreamReader _reader = new(file, detectEncodingFromByteOrderMarks: true);

    public IReadOnlyList<string>? Columns => null;

    public IEnumerable<SourceRow> ReadRows()
    {
        long number = 0;
        while (_reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            number++;
            yield return Parse(number, line);
        }
    }

    private static SourceRow Parse(long number, string line)
    {
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException e)
        {
            return Failed(number, $"not valid JSON: {e.Message}");
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            return Failed(number, "not a JSON object");
        }

        if (json.EnumerateObject().Any(p => ContentFieldNames.Contains(p.Name) && p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array))
        {
            try
            {
                return new SourceRow(number, new Dictionary<string, string>()) { Content = ContentParser.Parse<RecordContent>(line) };
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
            {
                return Failed(number, $"not a valid RecordContent: {e.Message}");
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (FlatValue(property.Value) is { Length: > 0 } value)
            {
                values.TryAdd(ColumnNames.Normalise(property.Name), value);
            }
        }

        return new SourceRow(number, values);
    }

    /// <summary>Scalars as their text; an array of scalars as the ';'-separated list that repeated fields take.</summary>
    private static string? FlatValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => string.Join(";", value.EnumerateArray().Select(FlatValue).Where(v => !string.IsNullOrEmpty(v))),
        _ => null,
    };

    private static SourceRow Failed(long number, string description) =>
        new(number, new Dictionary<string, string>()) { Problem = Problems.Of("", description) };

    public void Dispose() => _reader.Dispose();
}
