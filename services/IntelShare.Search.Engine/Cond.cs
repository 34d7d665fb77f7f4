namespace IntelShare.Search.Engine;

/// <summary>
/// A boolean condition over indexed fields, independent of the engine, so the need-to-know filter and the
/// query filters are written once and translated to Lucene and to Elasticsearch alike.
/// </summary>
public abstract record Cond
{
    public static readonly Cond All = new AllCond();
    public static readonly Cond None = new NoneCond();

    public static Cond Term(string field, string value) => new TermCond(field, value);

    public static Cond AnyOf(string field, IEnumerable<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToArray();
        return distinct.Length switch
        {
            0 => None,
            1 => new TermCond(field, distinct[0]),
            _ => new TermsCond(field, distinct),
        };
    }

    /// <summary>Inclusive on both ends; a null end is open.</summary>
    public static Cond Range(string field, long? min, long? max) => new RangeCond(field, min, max);

    public static Cond And(params Cond[] parts)
    {
        var kept = new List<Cond>(parts.Length);
        foreach (var part in parts)
        {
            if (part is NoneCond)
            {
                return None;
            }

            if (part is AndCond and)
            {
                kept.AddRange(and.Parts);
            }
            else if (part is not AllCond)
            {
                kept.Add(part);
            }
        }

        return kept.Count switch
        {
            0 => All,
            1 => kept[0],
            _ => new AndCond(kept),
        };
    }

    public static Cond Or(params Cond[] parts)
    {
        var kept = new List<Cond>(parts.Length);
        foreach (var part in parts)
        {
            if (part is AllCond)
            {
                return All;
            }

            if (part is OrCond or)
            {
                kept.AddRange(or.Parts);
            }
            else if (part is not NoneCond)
            {
                kept.Add(part);
            }
        }

        return kept.Count switch
        {
            0 => None,
            1 => kept[0],
            _ => new OrCond(kept),
        };
    }

    public static Cond Not(Cond part) => part switch
    {
        AllCond => None,
        NoneCond => All,
        NotCond not => not.Part,
        _ => new NotCond(part),
    };

    /// <summary>Translates the tree bottom-up; each engine supplies one function per node kind.</summary>
    public T Accept<T>(ICondVisitor<T> visitor) => this switch
    {
        AllCond => visitor.All(),
        NoneCond => visitor.None(),
        TermCond t => visitor.Term(t.Field, t.Value),
        TermsCond t => visitor.Terms(t.Field, t.Values),
        RangeCond r => visitor.Range(r.Field, r.Min, r.Max),
        AndCond a => visitor.And(a.Parts.Select(p => p.Accept(visitor)).ToArray()),
        OrCond o => visitor.Or(o.Parts.Select(p => p.Accept(visitor)).ToArray()),
        NotCond n => visitor.Not(n.Part.Accept(visitor)),
        _ => throw new InvalidOperationException($"Unknown condition {GetType().Name}."),
    };

    private sealed record AllCond : Cond;

    private sealed record NoneCond : Cond;

    private sealed record TermCond(string Field, string Value) : Cond;

    private sealed record TermsCond(string Field, IReadOnlyList<string> Values) : Cond;

    private sealed record RangeCond(string Field, long? Min, long? Max) : Cond;

    private sealed record AndCond(IReadOnlyList<Cond> Parts) : Cond;

    private sealed record OrCond(IReadOnlyList<Cond> Parts) : Cond;

    private sealed record NotCond(Cond Part) : Cond;
}

public interface ICondVisitor<T>
{
    T All();

    T None();

    T Term(string field, string value);

    T Terms(string field, IReadOnlyList<string> values);

    T Range(string field, long? min, long? max);

    T And(IReadOnlyList<T> parts);

    T Or(IReadOnlyList<T> parts);

    T Not(T part);
}
