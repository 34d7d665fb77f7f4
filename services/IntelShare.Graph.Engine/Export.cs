using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace IntelShare.Graph.Engine;

/// <summary>A result subgraph as GraphML (yEd, Gephi, networkx): typed keys, properties as one JSON-valued attribute.</summary>
public static class GraphMLWriter
{
    private const string Namespace = "http://graphml.graphdrawing.org/xmlns";

    private static readonly (string Id, string For, string Name)[] Keys =
    [
        ("kind", "node", "kind"), ("label", "node", "label"), ("marking", "node", "marking"), ("properties", "node", "properties"),
        ("visibility", "node", "visibility"), ("from", "node", "from"), ("to", "node", "to"), ("records", "node", "records"),
        ("ekind", "edge", "kind"), ("emarking", "edge", "marking"), ("validFrom", "edge", "validFrom"), ("validTo", "edge", "validTo"), ("erecords", "edge", "records"),
    ];

    public static void Write(Subgraph graph, Stream output)
    {
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
        xml.WriteStartDocument();
        xml.WriteStartElement("graphml", Namespace);
        foreach (var (id, target, name) in Keys)
        {
            xml.WriteStartElement("key", Namespace);
            xml.WriteAttributeString("id", id);
            xml.WriteAttributeString("for", target);
            xml.WriteAttributeString("attr.name", name);
            xml.WriteAttributeString("attr.type", "string");
            xml.WriteEndElement();
        }

        xml.WriteStartElement("graph", Namespace);
        xml.WriteAttributeString("id", "G");
        xml.WriteAttributeString("edgedefault", "directed");
        foreach (var (node, visibility) in graph.Nodes)
        {
            xml.WriteStartElement("node", Namespace);
            xml.WriteAttributeString("id", XmlText(node.Id));
            Data(xml, "kind", node.Kind.ToString());
            Data(xml, "visibility", visibility.ToString());
            Data(xml, "marking", node.Marking);
            if (visibility == NodeVisibility.Visible)
            {
                Data(xml, "label", node.Label);
                Data(xml, "properties", JsonSerializer.Serialize(node.Properties));
                Data(xml, "from", Time(node.From));
                Data(xml, "to", Time(node.To));
                Data(xml, "records", string.Join(' ', node.SupportingRecordIds));
            }

            xml.WriteEndElement();
        }

        var index = 0;
        foreach (var edge in graph.Edges)
        {
            xml.WriteStartElement("edge", Namespace);
            xml.WriteAttributeString("id", "e" + index++.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("source", XmlText(edge.From));
            xml.WriteAttributeString("target", XmlText(edge.To));
            Data(xml, "ekind", edge.Kind.ToString());
            Data(xml, "emarking", edge.Marking);
            Data(xml, "validFrom", Time(edge.ValidFrom));
            Data(xml, "validTo", Time(edge.ValidTo));
            Data(xml, "erecords", string.Join(' ', edge.SupportingRecordIds));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>
    /// XML 1.0 cannot carry most control characters at all, even escaped; records stored before contributions were
    /// checked for them may hold some, which are written as U+FFFD rather than failing the whole export.
    /// </summary>
    private static string XmlText(string value)
    {
        char[]? copy = null;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (!XmlConvert.IsXmlChar(value[i]))
            {
                copy ??= value.ToCharArray();
                copy[i] = '\uFFFD';
            }
        }

        return copy is null ? value : new string(copy);
    }

    private static string? Time(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture);

    private static void Data(XmlWriter xml, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        xml.WriteStartElement("data", Namespace);
        xml.WriteAttributeString("key", key);
        xml.WriteString(XmlText(value));
        xml.WriteEndElement();
    }
}

/// <summary>A result subgraph as JSON: nodes and edges with their markings, placeholders reduced to kind and marking.</summary>
public static class JsonGraphWriter
{
    public static void Write(Subgraph graph, Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("nodes");
        foreach (var (node, visibility) in graph.Nodes)
        {
            json.WriteStartObject();
            json.WriteString("id", node.Id);
            json.WriteString("kind", node.Kind.ToString());
            json.WriteString("visibility", visibility.ToString());
            json.WriteString("marking", node.Marking);
            if (visibility == NodeVisibility.Visible)
            {
                json.WriteString("label", node.Label);
                json.WriteStartObject("properties");
                foreach (var (key, value) in node.Properties)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
                Time(json, "from", node.From);
                Time(json, "to", node.To);
                Records(json, node.SupportingRecordIds);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("edges");
        foreach (var edge in graph.Edges)
        {
            json.WriteStartObject();
            json.WriteString("from", edge.From);
            json.WriteString("to", edge.To);
            json.WriteString("kind", edge.Kind.ToString());
            json.WriteString("marking", edge.Marking);
            Time(json, "validFrom", edge.ValidFrom);
            Time(json, "validTo", edge.ValidTo);
            Records(json, edge.SupportingRecordIds);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("withheldNodes", graph.WithheldNodes);
        json.WriteNumber("withheldEdges", graph.WithheldEdges);
        json.WriteBoolean("truncated", graph.Truncated);
        json.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteString(name, t);
        }
    }

    private static void Records(Utf8JsonWriter json, IReadOnlyList<string> records)
    {
        json.WriteStartArray("records");
        foreach (var record in records)
        {
            json.WriteStringValue(record);
        }

        json.WriteEndArray();
    }
}
