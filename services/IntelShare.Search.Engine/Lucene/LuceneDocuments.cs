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

    public static LuceneDocument Record(IndexedRecord record)
    {
        var d = record.Document;
        var m = d.Marking;
        var doc = new LuceneDocument
        {
            new StringField(IndexFields.Kind, IndexFields.RecordKind, Field.Store.NO),
            new StringField(IndexFields.Id, d.RecordId, Field.Store.YES),
            new SortedDocValuesField(IndexFields.Id, new BytesRef(d.RecordId)),
            new NumericDocValuesField(IndexFields.Version, d.Version),
            new StoredField(IndexFields.Version, d.Version),
            new StringField(IndexFields.Type, record.Type, Field.Store.YES),
            new StringField(IndexFields.Originator, m.OriginatorAgency, Field.Store.NO),
            new Int64Field(IndexFields.Classification, (long)m.Classification, Field.Store.NO),
            new StringField(IndexFields.ClassificationName, record.ClassificationName, Field.Store.NO),
            new StringField(IndexFields.BodyCaveats, record.BodyCaveats, Field.Store.NO),
            new StringField(IndexFields.TextCaveats, IndexFields.Mask(record.TextCaveats), Field.Store.NO),
            new StoredField(StoredNameCaveats, (int)record.NameCaveats),
            new StoredField(StoredMarking, MarkingCodec.Encode(m)),
            new Int64Field(IndexFields.RecordedAt, IndexFields.Millis(d.RecordedAt), Field.Store.NO),
        };

        Flag(doc, IndexFields.AllPartners, m.ReleaseToAllPartners);
        Flag(doc, IndexFields.Discoverable, m.Discoverable);
        Flag(doc, IndexFields.Withdrawn, m.Withdrawn);
        Strings(doc, IndexFields.ReleasableTo, m.ReleasableTo);
        Strings(doc, IndexFields.CaseRef, m.CaseRefs);
        Strings(doc, IndexFields.Caveat, record.CaveatNames);
        if (d.EntityId is not null)
        {
            doc.Add(new StringField(IndexFields.Entity, d.EntityId, Field.Store.YES));
        }

        if (!d.DisplayPayload.IsEmpty)
        {
            doc.Add(new StoredField(StoredPayload, d.DisplayPayload.ToArray()));
        }

        foreach (var name in record.Names)
        {
            doc.Add(new TextField(IndexFields.Name, name, Field.Store.NO));
        }

        Texts(doc, IndexFields.Given, record.GivenTokens);
        Texts(doc, IndexFields.Family, record.FamilyTokens);
        Strings(doc, IndexFields.DateOfBirth, record.DateOfBirthTerms);
        Strings(doc, IndexFields.Identifier, record.IdentifierTerms);
        Strings(doc, IndexFields.IdentifierValue, record.IdentifierValues);
        Strings(doc, IndexFields.Nationality, record.Nationalities);
        Strings(doc, IndexFields.ExploitationForm, record.ExploitationForms);

        foreach (var text in d.Texts)
        {
            doc.Add(new TextField(IndexFields.Text, text.Text, Field.Store.NO));
            doc.Add(new StoredField(StoredTextPrefix + text.FieldPath, text.Text));
        }

        if (d.EventFrom is { } from)
        {
            doc.Add(new Int64Field(IndexFields.EventFrom, IndexFields.Millis(from), Field.Store.NO));
        }

        if ((d.EventTo ?? d.EventFrom) is { } to)
        {
            doc.Add(new Int64Field(IndexFields.EventTo, IndexFields.Millis(to), Field.Store.NO));
        }

        Facet(doc, SearchFilterFields.Type, [record.Type]);
        Facet(doc, SearchFilterFields.Agency, [m.OriginatorAgency]);
        Facet(doc, SearchFilterFields.Classification, [record.ClassificationName]);
        Facet(doc, SearchFilterFields.Nationality, record.Nationalities);
        Facet(doc, SearchFilterFields.ExploitationForm, record.ExploitationForms);
        return doc;
    }

    /// <summary>What remains of a deleted record: its id and version, so a replayed older version stays deleted.</summary>
    public static LuceneDocument Tombstone(string recordId, long version) =>
    [
        new StringField(IndexFields.Kind, IndexFields.TombstoneKind, Field.Store.NO),
        new StringField(IndexFields.Id, recordId, Field.Store.YES),
        new NumericDocValuesField(IndexFields.Version, version),
    ];

    public static string? TextFieldPath(string storedName) =>
        storedName.StartsWith(StoredTextPrefix, StringComparison.Ordinal) ? storedName[StoredTextPrefix.Length..] : null;

    private static void Flag(LuceneDocument doc, string field, bool value)
    {
        if (value)
        {
            doc.Add(new StringField(field, IndexFields.True, Field.Store.NO));
        }
    }

    private static void Strings(LuceneDocument doc, string field, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            doc.Add(new StringField(field, value, Field.Store.NO));
        }
    }

    private static void Texts(LuceneDocument doc, string field, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            doc.Add(new TextField(field, value, Field.Store.NO));
        }
    }

    private static void Facet(LuceneDocument doc, string facet, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            doc.Add(new SortedSetDocValuesField(FacetField(facet), new BytesRef(value)));
        }
    }
}
