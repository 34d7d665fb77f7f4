using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
using LuceneDocument = Lucene.Net.Documents.Document;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>How a record is laid out in Lucene: indexed fields, doc values for facets and sorting, stored fields for hits.</summary>
internal static class LuceneDocuments
{
    public const string StoredMarking = "s.marking";
    public const string StoredPayload = "s.payload";
    public const string StoredNameCaveats = "s.ncav";
    public const string StoredTextPrefix = "s.text.";

    /// <summary>Facet field (doc values) for a public facet name.</summary>
    public static string FacetField(string facet) => "f." + facet;

    public static Term IdTerm(string recordId) => new(IndexFields.Id, recordId);

    /// <summary>What remains of a deleted record: its id and version, so a replayed older version stays deleted.</summary>
    public static LuceneDocument Tombstone(string recordId, long version) =>
    [
        new StringField(IndexFields.Kind, IndexFields.TombstoneKind, Field.Store.NO),
        new StringField(IndexFields.Id, recordId, Field.Store.YES),
        new NumericDocValuesField(IndexFields.Version, version),
    ];

    public static string? TextFieldPath(string storedName) =>
        storedName.StartsWith(StoredTextPrefix, StringComparison.Ordinal) ? storedName[StoredTextPrefix.Length..] : null;
}

/// <summary>
/// Lays records out as Lucene documents, reusing one document and its fields from record to record, as
/// Lucene intends: a new field builds a new token stream and attribute set each time, which costs more than
/// indexing the value. One builder per writing thread; a document is only valid until the next is built.
/// </summary>
internal sealed class LuceneDocumentBuilder
{
    private readonly LuceneDocument _document = [];
    private readonly Dictionary<(string Field, FieldKind Kind), Slot> _slots = [];
    private readonly List<Slot> _taken = [];

    private enum FieldKind
    {
        String,
        StoredString,
        Text,
        Int64,
        Stored,
        NumericDocValues,
        SortedDocValues,
        SortedSetDocValues,
    }

    public LuceneDocument Record(IndexedRecord record)
    {
        foreach (var slot in _taken)
        {
            slot.Used = 0;
        }

        _taken.Clear();
        _document.Fields.Clear();

        var d = record.Document;
        var m = d.Marking;
        String(IndexFields.Kind, IndexFields.RecordKind);
        String(IndexFields.Id, d.RecordId, stored: true);
        Take(IndexFields.Id, FieldKind.SortedDocValues, static f => new SortedDocValuesField(f, new BytesRef())).SetBytesValue(new BytesRef(d.RecordId));
        Take(IndexFields.Version, FieldKind.NumericDocValues, static f => new NumericDocValuesField(f, 0)).SetInt64Value(d.Version);
        Take(IndexFields.Version, FieldKind.Stored, static f => new StoredField(f, 0L)).SetInt64Value(d.Version);
        String(IndexFields.Type, record.Type, stored: true);
        String(IndexFields.Originator, m.OriginatorAgency);
        Int64(IndexFields.Classification, (long)m.Classification);
        String(IndexFields.ClassificationName, record.ClassificationName);
        String(IndexFields.BodyCaveats, record.BodyCaveats);
        String(IndexFields.TextCaveats, IndexFields.Mask(record.TextCaveats));
        String(IndexFields.NameCaveats, IndexFields.Mask(record.NameCaveats));
        Take(LuceneDocuments.StoredNameCaveats, FieldKind.Stored, static f => new StoredField(f, 0)).SetInt32Value((int)record.NameCaveats);
        Stored(LuceneDocuments.StoredMarking, MarkingCodec.Encode(m));
        Int64(IndexFields.RecordedAt, IndexFields.Millis(d.RecordedAt));

        Flag(IndexFields.AllPartners, m.ReleaseToAllPartners);
        Flag(IndexFields.Discoverable, m.Discoverable);
        Flag(IndexFields.Withdrawn, m.Withdrawn);
        Strings(IndexFields.ReleasableTo, m.ReleasableTo);
        Strings(IndexFields.CaseRef, m.CaseRefs);
        Strings(IndexFields.Caveat, record.CaveatNames);
        if (!d.DisplayPayload.IsEmpty)
        {
            Stored(LuceneDocuments.StoredPayload, d.DisplayPayload.ToArray());
        }

        Texts(IndexFields.Name, record.Names);
        Texts(IndexFields.NameKey, record.NameKeys);
        Texts(IndexFields.Given, record.GivenTokens);
        Texts(IndexFields.Family, record.FamilyTokens);
        Strings(IndexFields.DateOfBirth, record.DateOfBirthTerms);
        Strings(IndexFields.Identifier, record.IdentifierTerms);
        Strings(IndexFields.IdentifierValue, record.IdentifierValues);
        Strings(IndexFields.Nationality, record.Nationalities);
        Strings(IndexFields.ExploitationForm, record.ExploitationForms);

        foreach (var text in d.Texts)
        {
            Texts(IndexFields.Text, [text.Text]);
            Take(LuceneDocuments.StoredTextPrefix + text.FieldPath, FieldKind.StoredString, static f => new StoredField(f, "")).SetStringValue(text.Text);
        }

        if (d.EventFrom is { } from)
        {
            Int64(IndexFields.EventFrom, IndexFields.Millis(from));
        }

        if ((d.EventTo ?? d.EventFrom) is { } to)
        {
            Int64(IndexFields.EventTo, IndexFields.Millis(to));
        }

        Facet(SearchFilterFields.Type, [record.Type]);
        Facet(SearchFilterFields.Agency, [m.OriginatorAgency]);
        Facet(SearchFilterFields.Classification, [record.ClassificationName]);
        Facet(SearchFilterFields.Nationality, record.Nationalities);
        Facet(SearchFilterFields.ExploitationForm, record.ExploitationForms);
        return _document;
    }

    private Field Take(string field, FieldKind kind, Func<string, Field> create)
    {
        if (!_slots.TryGetValue((field, kind), out var slot))
        {
            slot = new Slot();
            _slots.Add((field, kind), slot);
        }

        if (slot.Used == 0)
        {
            _taken.Add(slot);
        }

        if (slot.Used == slot.Fields.Count)
        {
            slot.Fields.Add(create(field));
        }

        var taken = slot.Fields[slot.Used++];
        _document.Add(taken);
        return taken;
    }

    private void String(string field, string value, bool stored = false)
    {
        var f = stored
            ? Take(field, FieldKind.StoredString, static f => new StringField(f, "", Field.Store.YES))
            : Take(field, FieldKind.String, static f => new StringField(f, "", Field.Store.NO));
        f.SetStringValue(value);
    }

    private void Int64(string field, long value) =>
        Take(field, FieldKind.Int64, static f => new Int64Field(f, 0, Field.Store.NO)).SetInt64Value(value);

    private void Stored(string field, byte[] value) =>
        Take(field, FieldKind.Stored, static f => new StoredField(f, Array.Empty<byte>())).SetBytesValue(value);

    private void Flag(string field, bool value)
    {
        if (value)
        {
            String(field, IndexFields.True);
        }
    }

    private void Strings(string field, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            String(field, value);
        }
    }

    private void Texts(string field, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Take(field, FieldKind.Text, static f => new TextField(f, "", Field.Store.NO)).SetStringValue(value);
        }
    }

    private void Facet(string facet, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Take(LuceneDocuments.FacetField(facet), FieldKind.SortedSetDocValues, static f => new SortedSetDocValuesField(f, new BytesRef())).SetBytesValue(new BytesRef(value));
        }
    }

    private sealed class Slot
    {
        public List<Field> Fields { get; } = [];

        public int Used { get; set; }
    }
}
