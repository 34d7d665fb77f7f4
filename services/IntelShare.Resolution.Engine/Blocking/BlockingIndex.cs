using System.Runtime.InteropServices;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Blocking;

public sealed record RuleReport(string Rule, long Pairs, int Blocks, int OversizedBlocks);

public sealed record OversizedBlock(string Rule, string Key, int Records);

public sealed record BlockingReport(long CandidatePairs, int MaxBlockSize, IReadOnlyList<RuleReport> Rules, IReadOnlyList<OversizedBlock> Oversized);

/// <summary>
/// Block keys of every record, hashed to 64 bits with the rule in the top byte: a frozen sorted array built in one
/// pass (compact at a million records) and a small dictionary for records added since. A hash collision only adds a
/// candidate to score, never loses one.
/// </summary>
public sealed class BlockingIndex
{
    private readonly IReadOnlyList<BlockingRule> _rules;
    private readonly int _maxBlockSize;
    private readonly ulong[] _keys;
    private readonly int[] _records;
    private readonly Dictionary<ulong, List<int>> _added = [];
    private readonly Lock _gate = new();

    private BlockingIndex(IReadOnlyList<BlockingRule> rules, int maxBlockSize, ulong[] keys, int[] records)
    {
        _rules = rules;
        _maxBlockSize = maxBlockSize;
        _keys = keys;
        _records = records;
    }

    public static BlockingIndex Build(IReadOnlyList<BlockingRule> rules, IReadOnlyList<PreparedRecord> records, IReadOnlyList<int> members, int maxBlockSize)
    {
        var keys = new List<ulong>(members.Count * rules.Count);
        var ids = new List<int>(members.Count * rules.Count);
        foreach (var member in members)
        {
            foreach (var key in Keys(rules, records[member]))
            {
                keys.Add(key);
                ids.Add(member);
            }
        }

        var keyArray = keys.ToArray();
        var idArray = ids.ToArray();
        Array.Sort(keyArray, idArray);
        return new BlockingIndex(rules, maxBlockSize, keyArray, idArray);
    }

    public void Add(int id, PreparedRecord record)
    {
        lock (_gate)
        {
            foreach (var key in Keys(_rules, record))
            {
                ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_added, key, out _);
                (list ??= []).Add(id);
            }
        }
    }

    /// <summary>Records sharing a block with <paramref name="record"/>; oversized blocks are skipped and named.</summary>
    public HashSet<int> Candidates(PreparedRecord record, List<OversizedBlock>? oversized = null)
    {
        var found = new HashSet<int>();
        foreach (var (key, text, rule) in KeysWithText(_rules, record))
        {
            var (start, end) = Range(key);
            lock (_gate)
            {
                var added = _added.GetValueOrDefault(key);
                var size = end - start + (added?.Count ?? 0);
                if (size > _maxBlockSize)
                {
                    oversized?.Add(new OversizedBlock(_rules[rule].Name, text, size));
                    continue;
                }

                for (var i = start; i < end; i++)
                {
                    found.Add(_records[i]);
                }

                if (added is not null)
                {
                    found.UnionWith(added);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Every pair sharing a block, deduplicated across rules, as (low &lt;&lt; 32 | high) sorted ascending.
    /// With <paramref name="acrossOrigins"/>, only pairs from different inputs (linkage rather than deduplication).
    /// </summary>
    public (ulong[] Pairs, BlockingReport Report) CandidatePairs(IReadOnlyList<PreparedRecord> records, bool acrossOrigins)
    {
        var pairs = new List<ulong>();
        var perRule = new (long Pairs, int Blocks, int Oversized)[_rules.Count];
        var oversized = new List<OversizedBlock>();
        for (var start = 0; start < _keys.Length;)
        {
            var end = start + 1;
            while (end < _keys.Length && _keys[end] == _keys[start])
            {
                end++;
            }

            var rule = (int)(_keys[start] >> 56);
            var size = end - start;
            if (size > _maxBlockSize)
            {
                perRule[rule].Oversized++;
                oversized.Add(new OversizedBlock(_rules[rule].Name, BlockText(records[_records[start]], _keys[start], rule), size));
            }
            else if (size > 1)
            {
                perRule[rule].Blocks++;
                for (var i = start; i < end; i++)
                {
                    for (var j = i + 1; j < end; j++)
                    {
                        var (a, b) = (_records[i], _records[j]);
                        if (a == b || (acrossOrigins && records[a].Origin == records[b].Origin))
                        {
                            continue;
                        }

                        pairs.Add(a < b ? ((ulong)a << 32) | (uint)b : ((ulong)b << 32) | (uint)a);
                        perRule[rule].Pairs++;
                    }
                }
            }

            start = end;
        }

        var array = pairs.ToArray();
        pairs.Clear();
        Array.Sort(array);
        var unique = array.Length == 0 ? 0 : 1;
        for (var i = 1; i < array.Length; i++)
        {
            if (array[i] != array[unique - 1])
            {
                array[unique++] = array[i];
            }
        }

        Array.Resize(ref array, unique);
        var report = new BlockingReport(
            unique,
            _maxBlockSize,
            [.. _rules.Select((r, i) => new RuleReport(r.Name, perRule[i].Pairs, perRule[i].Blocks, perRule[i].Oversized))],
            oversized);
        return (array, report);
    }

    private (int Start, int End) Range(ulong key)
    {
        var at = Array.BinarySearch(_keys, key);
        if (at < 0)
        {
            return (0, 0);
        }

        var (start, end) = (at, at + 1);
        while (start > 0 && _keys[start - 1] == key)
        {
            start--;
        }

        while (end < _keys.Length && _keys[end] == key)
        {
            end++;
        }

        return (start, end);
    }

    private string BlockText(PreparedRecord record, ulong key, int rule) =>
        KeysWithText(_rules, record).FirstOrDefault(k => k.Key == key).Text ?? $"rule {rule}";

    private static IEnumerable<ulong> Keys(IReadOnlyList<BlockingRule> rules, PreparedRecord record) =>
        KeysWithText(rules, record).Select(k => k.Key).Distinct();

    private static IEnumerable<(ulong Key, string Text, int Rule)> KeysWithText(IReadOnlyList<BlockingRule> rules, PreparedRecord record)
    {
        for (var r = 0; r < rules.Count; r++)
        {
            foreach (var text in rules[r].Keys(record))
            {
                yield return (((ulong)r << 56) | (Fnv1a(text) & 0x00FF_FFFF_FFFF_FFFF), text, r);
            }
        }
    }

    /// <summary>A hash that is the same in every process, unlike string.GetHashCode, so an index could be persisted.</summary>
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
