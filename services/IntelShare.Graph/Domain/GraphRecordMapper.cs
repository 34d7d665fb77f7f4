using System.Collections.Frozen;
using IntelShare.Contracts.V1;
using IntelShare.Graph.Engine;
using IntelShare.Normalisation;
using IntelShare.Policy;
using IntelShare.Resolution.Engine;
using ContractEvent = IntelShare.Contracts.V1.Event;
using EngineNode = IntelShare.Graph.Engine.GraphNode;

namespace IntelShare.Graph.Domain;

/// <summary>
/// How a record becomes part of the network. People, organisations and events are nodes of their own; phones,
/// vehicles, documents, accounts and places are nodes keyed by their normalised identifier, so that two agencies'
/// records of one phone number are one node and everyone who used it is linked through it. Identifiers inside a
/// person or organisation record (their phones, documents, addresses) become such nodes too, and the case
/// references of a marking become case nodes. Every node and edge names the records that support it.
/// </summary>
public static class GraphRecordMapper
{
    private const string SameAsPrefix = "same-as:";

    // Must follow Map: which field of which kind of record each identifier node is made from.
    private static readonly FrozenDictionary<(BodyKind Body, NodeKind Node), string[]> ValueFieldsOf = new Dictionary<(BodyKind, NodeKind), string[]>
    {
        [(BodyKind.Person, NodeKind.Phone)] = ["person.phones"],
        [(BodyKind.Person, NodeKind.Document)] = ["person.documents"],
        [(BodyKind.Person, NodeKind.Place)] = ["person.addresses"],
        [(BodyKind.Organisation, NodeKind.Phone)] = ["organisation.phones"],
        [(BodyKind.Organisation, NodeKind.Place)] = ["organisation.addresses"],
        [(BodyKind.Event, NodeKind.Place)] = ["event.location"],
        [(BodyKind.Phone, NodeKind.Phone)] = ["phone.number"],
        [(BodyKind.Vehicle, NodeKind.Vehicle)] = ["vehicle.plate"],
        [(BodyKind.Document, NodeKind.Document)] = ["document.identity_document"],
        [(BodyKind.Account, NodeKind.Account)] = ["account.iban", "account.account_number"],
        [(BodyKind.Place, NodeKind.Place)] = ["place.address", "place.name"],
    }.ToFrozenDictionary();

    /// <summary>
    /// The content fields a node of this kind took its id and label from, in a record of this kind: a reader from whom
    /// the record's decision removes one of them must not learn the value from the node. None for a node that is the
    /// record's own (a person, organisation or event: its id is the record id) and for a case node.
    /// </summary>
    public static IReadOnlyList<string> ValueFields(BodyKind body, NodeKind node) => ValueFieldsOf.GetValueOrDefault((body, node), []);

    // Must follow Map: the content fields a record's own node takes its label from, where a caveat can withhold them.
    private static readonly FrozenDictionary<NodeKind, string[]> LabelFieldsOf = new Dictionary<NodeKind, string[]>
    {
        [NodeKind.Person] = ["person.name"],
        [NodeKind.Organisation] = ["organisation.name"],
    }.ToFrozenDictionary();

    /// <summary>
    /// The content fields the label of a record's own node is made from: a reader from whom the record's decision
    /// removes one of them must not read it in the label, while one who lost only another field (a case reference,
    /// an address) reads the name as Records would show it.
    /// </summary>
    public static IReadOnlyList<string> LabelFields(NodeKind node) => LabelFieldsOf.GetValueOrDefault(node, []);

    /// <summary>
    /// What supports a record's same_as edge to its resolved entity. It is kept apart from the record's own support so
    /// that a change of entity moves only that edge, and it maps back to the record for need-to-know.
    /// </summary>
    public static string SameAsSupport(string recordId) => SameAsPrefix + recordId;

    /// <summary>The record behind a supporting id (a record id, or a record's same_as support).</summary>
    public static string RecordOf(string supportId) =>
        supportId.StartsWith(SameAsPrefix, StringComparison.Ordinal) ? supportId[SameAsPrefix.Length..] : supportId;

    /// <summary>
    /// The record's node joined to the node of the entity Resolution put it in (the node id is the entity id), so that
    /// agencies' records of one person connect, and queries can start from an entity. Nothing when it has none.
    /// </summary>
    public static IReadOnlyList<GraphOperation> SameAs(string recordId, string mainNode, NodeKind kind, string? entityId)
    {
        if (entityId is null || kind is not (NodeKind.Person or NodeKind.Organisation))
        {
            return [];
        }

        var support = SameAsSupport(recordId);
        return [new UpsertNode(entityId, kind, entityId, "", [support]), new UpsertEdge(mainNode, entityId, EdgeKind.SameAs, "", support)];
    }

    /// <summary>The node kind of a record's main node, as far as entities are concerned.</summary>
    public static NodeKind? EntityKindOf(Record record) => record.Content?.BodyCase switch
    {
        RecordContent.BodyOneofCase.Person => NodeKind.Person,
        RecordContent.BodyOneofCase.Organisation => NodeKind.Organisation,
        _ => null,
    };

    /// <summary>The node that stands for the record itself (what links from and to the record attach to), if any.</summary>
    public static string? MainNodeId(Record record)
    {
        var content = record.Content;
        return content?.BodyCase switch
        {
            RecordContent.BodyOneofCase.Person or RecordContent.BodyOneofCase.Organisation or RecordContent.BodyOneofCase.Event => record.RecordId,
            RecordContent.BodyOneofCase.Phone => PhoneKey(content.Phone.Number, content.Phone.Country) ?? record.RecordId,
            RecordContent.BodyOneofCase.Vehicle => VehicleKey(content.Vehicle) ?? record.RecordId,
            RecordContent.BodyOneofCase.Document => DocumentKey(content.Document.IdentityDocument) ?? record.RecordId,
            RecordContent.BodyOneofCase.Account => AccountKey(content.Account) ?? record.RecordId,
            RecordContent.BodyOneofCase.Place => AddressKey(content.Place.Address) ?? record.RecordId,
            _ => null,
        };
    }

    /// <summary>The nodes and the edges among them that one record version contributes (links to other records aside).</summary>
    public static IReadOnlyList<GraphOperation> Map(Record record)
    {
        var operations = new List<GraphOperation>();
        var content = record.Content;
        var main = MainNodeId(record);
        if (content is null || main is null)
        {
            return operations;
        }

        var id = record.RecordId;
        var support = new[] { id };
        switch (content.BodyCase)
        {
            case RecordContent.BodyOneofCase.Person:
                var person = content.Person;
                operations.Add(new UpsertNode(main, NodeKind.Person, PersonLabel(person.Name), "", support, PersonProperties(person)));
                AddIdentifiers(operations, main, id, person.Phones, person.Documents, person.Addresses, person.Nationalities.FirstOrDefault());
                break;
            case RecordContent.BodyOneofCase.Organisation:
                var organisation = content.Organisation;
                operations.Add(new UpsertNode(main, NodeKind.Organisation, organisation.Name, "", support, Properties(
                    ("registration_number", organisation.RegistrationNumber), ("country", organisation.Country), ("kind", organisation.Kind))));
                AddIdentifiers(operations, main, id, organisation.Phones, [], organisation.Addresses, organisation.Country);
                break;
            case RecordContent.BodyOneofCase.Event:
                var occurred = content.Event;
                operations.Add(new UpsertNode(main, NodeKind.Event, EventLabel(occurred), "", support, Properties(
                    ("kind", occurred.Kind), ("description", occurred.Description)),
                    occurred.OccurredFrom?.ToDateTimeOffset(), occurred.OccurredTo?.ToDateTimeOffset() ?? occurred.OccurredFrom?.ToDateTimeOffset()));
                if (AddressKey(occurred.Location) is { } location)
                {
                    operations.Add(new UpsertNode(location, NodeKind.Place, AddressLabel(occurred.Location), "", support));
                    operations.Add(new UpsertEdge(main, location, EdgeKind.LinkedTo, "", id));
                }

                break;
            case RecordContent.BodyOneofCase.Phone:
                operations.Add(new UpsertNode(main, NodeKind.Phone, main.Split(':', 2)[^1], "", support, Properties(("imei", content.Phone.Imei))));
                break;
            case RecordContent.BodyOneofCase.Vehicle:
                var vehicle = content.Vehicle;
                operations.Add(new UpsertNode(main, NodeKind.Vehicle, $"{vehicle.Plate} {vehicle.Country}".Trim(), "", support, Properties(
                    ("make", vehicle.Make), ("model", vehicle.Model), ("colour", vehicle.Colour), ("vin", vehicle.Vin))));
                break;
            case RecordContent.BodyOneofCase.Document:
                var document = content.Document;
                operations.Add(new UpsertNode(main, NodeKind.Document, DocumentLabel(document.IdentityDocument), "", support, Properties(
                    ("status", document.Status), ("holder_name", document.HolderName))));
                break;
            case RecordContent.BodyOneofCase.Account:
                var account = content.Account;
                operations.Add(new UpsertNode(main, NodeKind.Account, main.Split(':', 2)[^1], "", support, Properties(
                    ("kind", account.Kind), ("institution", account.Institution), ("holder_name", account.HolderName))));
                break;
            case RecordContent.BodyOneofCase.Place:
                var place = content.Place;
                operations.Add(new UpsertNode(main, NodeKind.Place, string.IsNullOrWhiteSpace(place.Name) ? AddressLabel(place.Address) : place.Name, "", support, Properties(("kind", place.Kind))));
                break;
        }

        foreach (var caseRef in content.Marking?.CaseRefs ?? [])
        {
            var caseNode = CaseNodeId(caseRef);
            operations.Add(new UpsertNode(caseNode, NodeKind.Case, caseRef, "", support));
            operations.Add(new UpsertEdge(main, caseNode, EdgeKind.AppearsInCase, "", id));
        }

        return operations;
    }

    public static string CaseNodeId(string caseRef) => "case:" + caseRef.Trim().ToUpperInvariant();

    /// <summary>The contributor's relationship word as an edge kind ("travelled_with" → TravelledWith); anything else is LinkedTo.</summary>
    public static EdgeKind EdgeKindOf(string relationship)
    {
        var compact = relationship.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return Enum.TryParse<EdgeKind>(compact, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind : EdgeKind.LinkedTo;
    }

    private static void AddIdentifiers(
        List<GraphOperation> operations,
        string owner,
        string recordId,
        IEnumerable<string> phones,
        IEnumerable<IdentityDocument> documents,
        IEnumerable<Address> addresses,
        string? region)
    {
        var support = new[] { recordId };
        foreach (var phone in phones)
        {
            if (PhoneKey(phone, region) is { } key)
            {
                operations.Add(new UpsertNode(key, NodeKind.Phone, key.Split(':', 2)[^1], "", support));
                operations.Add(new UpsertEdge(owner, key, EdgeKind.Uses, "", recordId));
            }
        }

        foreach (var document in documents)
        {
            if (DocumentKey(document) is { } key)
            {
                operations.Add(new UpsertNode(key, NodeKind.Document, DocumentLabel(document), "", support));
                operations.Add(new UpsertEdge(owner, key, EdgeKind.Uses, "", recordId));
            }
        }

        foreach (var address in addresses)
        {
            if (AddressKey(address) is { } key)
            {
                operations.Add(new UpsertNode(key, NodeKind.Place, AddressLabel(address), "", support));
                operations.Add(new UpsertEdge(owner, key, EdgeKind.LinkedTo, "", recordId));
            }
        }
    }

    /// <summary>The kind of identifier node an id names, by the prefix its key was made with; null for any other node.</summary>
    public static NodeKind? IdentifierKindOf(string nodeId) => nodeId[..(nodeId.IndexOf(':', StringComparison.Ordinal) + 1)] switch
    {
        DeterministicKeys.PhonePrefix => NodeKind.Phone,
        DeterministicKeys.DocumentPrefix => NodeKind.Document,
        DeterministicKeys.VehiclePrefix => NodeKind.Vehicle,
        DeterministicKeys.AccountPrefix => NodeKind.Account,
        PlacePrefix => NodeKind.Place,
        _ => null,
    };

    private const string PlacePrefix = "place:";

    // Identifier nodes are keyed exactly as entity resolution keys them, so a phone is one entity everywhere.
    private static string? PhoneKey(string? number, string? region) => NullIfEmpty(DeterministicKeys.Phone(number, region));

    private static string? VehicleKey(Vehicle vehicle) => NullIfEmpty(DeterministicKeys.Vehicle(vehicle.Plate, vehicle.Country));

    private static string? DocumentKey(IdentityDocument? document) =>
        document is null ? null : NullIfEmpty(DeterministicKeys.Document(document.Number, document.IssuingCountry));

    private static string? AccountKey(Account account) => NullIfEmpty(DeterministicKeys.Account(account.Iban, account.AccountNumber, account.Institution));

    private static string? NullIfEmpty(string key) => key.Length == 0 ? null : key;

    private static string? AddressKey(Address? address)
    {
        if (address is null)
        {
            return null;
        }

        var street = NameText.Normalise($"{address.StreetNumber} {address.Street}");
        var town = NameText.Normalise(address.City.Length > 0 ? address.City : address.Locality);
        var postcode = Identifiers.Normalise(address.Postcode);
        return street.Length == 0 || (town.Length == 0 && postcode.Length == 0)
            ? null
            : $"{PlacePrefix}{address.Country.Trim().ToUpperInvariant()}:{postcode}:{town}:{street}";
    }

    private static string PersonLabel(PersonName? name) =>
        name is null ? "" : $"{name.GivenName} {name.FamilyName}".Trim();

    private static IReadOnlyDictionary<string, string> PersonProperties(Person person) => Properties(
        ("date_of_birth", person.DateOfBirth),
        ("sex", person.Sex),
        ("nationalities", string.Join(",", person.Nationalities)),
        ("roles", string.Join(",", person.Roles)),
        ("original_script", person.Name?.OriginalScript ?? ""),
        ("aliases", string.Join("; ", person.Aliases.Select(PersonLabel))));

    private static string EventLabel(ContractEvent occurred) =>
        occurred.OccurredFrom is { } at ? $"{occurred.Kind} {at.ToDateTimeOffset():yyyy-MM-dd}" : occurred.Kind;

    private static string DocumentLabel(IdentityDocument? document) =>
        document is null ? "" : $"{document.Kind} {document.Number} {document.IssuingCountry}".Trim();

    private static string AddressLabel(Address? address) => address?.ToSingleLine() ?? "";

    private static IReadOnlyDictionary<string, string> Properties(params (string Key, string Value)[] pairs)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                properties[key] = value;
            }
        }

        return properties.Count == 0 ? EngineNode.NoProperties : properties;
    }
}
