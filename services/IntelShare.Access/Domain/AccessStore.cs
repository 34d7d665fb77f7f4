using System.Collections.Concurrent;
using System.Collections.Frozen;
using IntelShare.Domain;
using IntelShare.Policy;
using Microsoft.Data.Sqlite;

namespace IntelShare.Access.Domain;

/// <summary>
/// Cases and their members, access requests and grants, in SQLite. The subject's access context
/// (memberships and grants) is read on every check, so it is cached per subject and the cache is
/// dropped on every write.
/// </summary>
public sealed class AccessStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<(string UserId, string Agency), AccessContext> _contexts = new();

    // Every read naming a case asks whether it exists; cases change rarely, so answers are kept until a write.
    // Case references are compared regardless of letter case (they are ASCII: AccessManager's CaseReference), so that
    // "op-x" finds the case "OP-X"; everything stored names the case as it was spelt when opened.
    private readonly ConcurrentDictionary<string, CaseFile?> _cases = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _cacheLock = new();
    private long _generation;

    /// <summary>
    /// A cached read, kept only if no write committed while it was loading: otherwise a load that raced a
    /// write (say, a grant being approved) could keep stale access in the cache until the next write.
    /// </summary>
    private TValue Cached<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, Func<TKey, TValue> load)
        where TKey : notnull
    {
        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        long generation;
        lock (_cacheLock)
        {
            generation = _generation;
        }

        var loaded = load(key);
        lock (_cacheLock)
        {
            if (generation == _generation)
            {
                cache.TryAdd(key, loaded);
            }
        }

        return loaded;
    }

    public AccessStore(string databasePath)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS cases (
                case_ref TEXT PRIMARY KEY, title TEXT NOT NULL, owner_agency TEXT NOT NULL,
                created_at INTEGER NOT NULL, compromised_at INTEGER NULL, compromise_note TEXT NOT NULL DEFAULT '');
            CREATE TABLE IF NOT EXISTS case_members (
                case_ref TEXT NOT NULL REFERENCES cases(case_ref), user_id TEXT NOT NULL DEFAULT '', agency TEXT NOT NULL DEFAULT '',
                UNIQUE (case_ref, user_id, agency));
            CREATE INDEX IF NOT EXISTS case_members_by_user ON case_members(user_id);
            CREATE INDEX IF NOT EXISTS case_members_by_agency ON case_members(agency);
            CREATE TABLE IF NOT EXISTS access_requests (
                request_id TEXT PRIMARY KEY, requester_user_id TEXT NOT NULL, requester_agency TEXT NOT NULL,
                record_id TEXT NOT NULL, holder_agency TEXT NOT NULL, reason TEXT NOT NULL, case_ref TEXT NOT NULL,
                state INTEGER NOT NULL, decided_by TEXT NOT NULL DEFAULT '', decision_reason TEXT NOT NULL DEFAULT '',
                requested_at INTEGER NOT NULL, decided_at INTEGER NULL, grant_id TEXT NOT NULL DEFAULT '', grant_expires_at INTEGER NULL);
            CREATE TABLE IF NOT EXISTS grants (
                grant_id TEXT PRIMARY KEY, grantee_user_id TEXT NOT NULL, grantee_agency TEXT NOT NULL,
                record_ids TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL,
                granted_by TEXT NOT NULL, granted_by_agency TEXT NOT NULL, request_id TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS grants_by_grantee ON grants(grantee_user_id);
            """);
        AddColumnIfMissing(connection, "grants", "revoked_by TEXT NOT NULL DEFAULT ''");
        AddColumnIfMissing(connection, "grants", "revoked_at INTEGER NULL");
        AddColumnIfMissing(connection, "grants", "revoke_reason TEXT NOT NULL DEFAULT ''");
    }

    /// <summary>Columns added since the first release, for stores made before them.</summary>
    private static void AddColumnIfMissing(SqliteConnection connection, string table, string definition)
    {
        using var columns = Command(connection, $"SELECT 1 FROM pragma_table_info('{table}') WHERE name = $name", ("$name", definition.Split(' ')[0]));
        if (columns.ExecuteScalar() is null)
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {definition}");
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private async Task WriteAsync(Action<SqliteConnection, SqliteTransaction> write)
    {
        await _writeLock.WaitAsync();
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            write(connection, transaction);
            transaction.Commit();
            lock (_cacheLock)
            {
                _generation++;
                _contexts.Clear();
                _cases.Clear();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // ---- access context -----------------------------------------------------------------

    /// <summary>The cases the subject (or its agency) belongs to, and the grants it holds.</summary>
    public AccessContext ContextFor(Subject subject) =>
        Cached(_contexts, (subject.UserId, subject.Agency), key =>
        {
            using var connection = Open();
            var cases = new HashSet<string>(StringComparer.Ordinal);
            using (var command = Command(connection, """
                SELECT case_ref FROM case_members WHERE user_id = $user OR agency = $agency
                UNION SELECT case_ref FROM cases WHERE owner_agency = $agency
                """, ("$user", key.UserId), ("$agency", key.Agency)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    cases.Add(reader.GetString(0));
                }
            }

            var grants = ReadGrants(connection, "WHERE grantee_user_id = $user AND revoked = 0", ("$user", key.UserId))
                .Select(g => new AccessGrant(g.GrantId, g.GranteeUserId, g.RecordIds.ToFrozenSet(StringComparer.Ordinal), g.ValidFrom, g.ValidTo, g.GrantedByAgency))
                .ToList();
            return new AccessContext(cases.ToFrozenSet(StringComparer.Ordinal), grants);
        });

    // ---- cases --------------------------------------------------------------------------

    public Task CreateCaseAsync(CaseFile file) => WriteAsync((connection, transaction) =>
    {
        // References differing only in letter case would be one case to a reader, and are one node in the graph.
        using (var exists = Command(connection, "SELECT case_ref FROM cases WHERE case_ref = $ref COLLATE NOCASE", ("$ref", file.CaseRef)))
        {
            exists.Transaction = transaction;
            if (exists.ExecuteScalar() is string existing)
            {
                // Not saying whose case it is, nor how it is spelt: a reference can name another agency's operation.
                throw new PreconditionFailedException(
                    $"A case '{file.CaseRef}' already exists (references are compared regardless of letter case): choose another reference.");
            }
        }

        using (var insert = Command(connection, "INSERT INTO cases (case_ref, title, owner_agency, created_at) VALUES ($ref, $title, $owner, $at)",
                   ("$ref", file.CaseRef), ("$title", file.Title), ("$owner", file.OwnerAgency), ("$at", file.CreatedAt.ToUnixTimeMilliseconds())))
        {
            insert.Transaction = transaction;
            insert.ExecuteNonQuery();
        }

        foreach (var member in file.Members)
        {
            AddMember(connection, transaction, file.CaseRef, member);
        }
    });

    public Task AddMemberAsync(string caseRef, CaseMembership member) =>
        WriteAsync((connection, transaction) => AddMember(connection, transaction, caseRef, member));

    public Task RemoveMemberAsync(string caseRef, CaseMembership member) => WriteAsync((connection, transaction) =>
    {
        using var delete = Command(connection, "DELETE FROM case_members WHERE case_ref = $ref AND user_id = $user AND agency = $agency",
            ("$ref", caseRef), ("$user", member.UserId ?? ""), ("$agency", member.Agency ?? ""));
        delete.Transaction = transaction;
        if (delete.ExecuteNonQuery() == 0)
        {
            throw new NotFoundException("Case member", $"{member.UserId}{member.Agency} in {caseRef}");
        }
    });

    public Task RecordCompromiseAsync(string caseRef, DateTimeOffset at, string note) => WriteAsync((connection, transaction) =>
    {
        using var update = Command(connection, "UPDATE cases SET compromised_at = $at, compromise_note = $note WHERE case_ref = $ref",
            ("$ref", caseRef), ("$at", at.ToUnixTimeMilliseconds()), ("$note", note));
        update.Transaction = transaction;
        update.ExecuteNonQuery();
    });

    private static void AddMember(SqliteConnection connection, SqliteTransaction transaction, string caseRef, CaseMembership member)
    {
        using var insert = Command(connection, "INSERT OR IGNORE INTO case_members (case_ref, user_id, agency) VALUES ($ref, $user, $agency)",
            ("$ref", caseRef), ("$user", member.UserId ?? ""), ("$agency", member.Agency ?? ""));
        insert.Transaction = transaction;
        insert.ExecuteNonQuery();
    }

    public CaseFile? FindCase(string caseRef) =>
        Cached(_cases, caseRef, key =>
        {
            using var connection = Open();
            return ReadCases(connection, "WHERE case_ref = $ref COLLATE NOCASE", ("$ref", key)).FirstOrDefault();
        });

    /// <summary>The cases the subject is on; every case, to oversight.</summary>
    public IReadOnlyList<CaseFile> ListCases(Subject subject)
    {
        var memberships = ContextFor(subject).CaseMemberships;
        using var connection = Open();
        return ReadCases(connection, "").Where(c => subject.HasRole(Roles.Oversight) || memberships.Contains(c.CaseRef)).ToList();
    }

    /// <summary>
    /// The case, if the subject may know of it: oversight, its owner agency, and its members (people, or whole
    /// agencies). To anyone else it is as unknown as a reference never used, since a reference alone can name an
    /// operation, and naming it in a read would hide the read among the case team's own work.
    /// </summary>
    public CaseFile? FindCaseKnownTo(Subject subject, string caseRef)
    {
        var file = FindCase(caseRef ?? "");
        return file is not null && (subject.HasRole(Roles.Oversight) || subject.Agency == file.OwnerAgency || ContextFor(subject).CaseMemberships.Contains(file.CaseRef))
            ? file
            : null;
    }

    public IReadOnlyList<CaseFile> CompromisedCases()
    {
        using var connection = Open();
        return ReadCases(connection, "WHERE compromised_at IS NOT NULL");
    }

    private static List<CaseFile> ReadCases(SqliteConnection connection, string where, params (string, object?)[] parameters)
    {
        var members = new Dictionary<string, List<CaseMembership>>(StringComparer.Ordinal);
        using (var command = Command(connection, "SELECT case_ref, user_id, agency FROM case_members"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var list = members.TryGetValue(reader.GetString(0), out var found) ? found : members[reader.GetString(0)] = [];
                list.Add(new CaseMembership(NullIfEmpty(reader.GetString(1)), NullIfEmpty(reader.GetString(2))));
            }
        }

        var cases = new List<CaseFile>();
        using (var command = Command(connection, $"SELECT case_ref, title, owner_agency, created_at, compromised_at, compromise_note FROM cases {where} ORDER BY case_ref", parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var caseRef = reader.GetString(0);
                cases.Add(new CaseFile(caseRef, reader.GetString(1), reader.GetString(2),
                    members.TryGetValue(caseRef, out var list) ? list : [],
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.GetString(5)));
            }
        }

        return cases;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // ---- access requests and grants -----------------------------------------------------

    public Task AddRequestAsync(AccessRequestFile request) => WriteAsync((connection, transaction) =>
    {
        using var insert = Command(connection, """
            INSERT INTO access_requests (request_id, requester_user_id, requester_agency, record_id, holder_agency, reason, case_ref, state, requested_at)
            VALUES ($id, $user, $agency, $record, $holder, $reason, $case, $state, $at)
            """,
            ("$id", request.RequestId), ("$user", request.RequesterUserId), ("$agency", request.RequesterAgency), ("$record", request.RecordId),
            ("$holder", request.HolderAgency), ("$reason", request.Reason), ("$case", request.CaseRef), ("$state", (int)request.State),
            ("$at", request.RequestedAt.ToUnixTimeMilliseconds()));
        insert.Transaction = transaction;
        insert.ExecuteNonQuery();
    });

    /// <summary>Approves a pending request and creates its grant in one transaction.</summary>
    public Task ApproveAsync(string requestId, Subject approver, string reason, GrantFile grant, DateTimeOffset at) => WriteAsync((connection, transaction) =>
    {
        Decide(connection, transaction, requestId, RequestState.Approved, approver, reason, at, grant.GrantId, grant.ValidTo);
        using var insert = Command(connection, """
            INSERT INTO grants (grant_id, grantee_user_id, grantee_agency, record_ids, valid_from, valid_to, granted_by, granted_by_agency, request_id)
            VALUES ($id, $user, $agency, $records, $from, $to, $by, $byAgency, $request)
            """,
            ("$id", grant.GrantId), ("$user", grant.GranteeUserId), ("$agency", grant.GranteeAgency), ("$records", string.Join('\n', grant.RecordIds)),
            ("$from", grant.ValidFrom.ToUnixTimeMilliseconds()), ("$to", grant.ValidTo.ToUnixTimeMilliseconds()),
            ("$by", grant.GrantedBy), ("$byAgency", grant.GrantedByAgency), ("$request", grant.RequestId));
        insert.Transaction = transaction;
        insert.ExecuteNonQuery();
    });

    public Task RefuseAsync(string requestId, Subject decider, string reason, DateTimeOffset at) =>
        WriteAsync((connection, transaction) => Decide(connection, transaction, requestId, RequestState.Refused, decider, reason, at, "", null));

    private static void Decide(SqliteConnection connection, SqliteTransaction transaction, string requestId, RequestState state,
        Subject decider, string reason, DateTimeOffset at, string grantId, DateTimeOffset? expiresAt)
    {
        // Only a pending request changes: a second approval or a late refusal must not overwrite the first decision.
        using var update = Command(connection, """
            UPDATE access_requests SET state = $state, decided_by = $by, decision_reason = $reason, decided_at = $at, grant_id = $grant, grant_expires_at = $expires
            WHERE request_id = $id AND state = $pending
            """,
            ("$state", (int)state), ("$by", decider.UserId), ("$reason", reason), ("$at", at.ToUnixTimeMilliseconds()),
            ("$grant", grantId), ("$expires", expiresAt?.ToUnixTimeMilliseconds()), ("$id", requestId), ("$pending", (int)RequestState.Pending));
        update.Transaction = transaction;
        if (update.ExecuteNonQuery() == 0)
        {
            throw new PreconditionFailedException($"Access request '{requestId}' has already been decided.");
        }
    }

    public AccessRequestFile? FindRequest(string requestId)
    {
        using var connection = Open();
        return ReadRequests(connection, "WHERE request_id = $id", ("$id", requestId)).FirstOrDefault();
    }

    public IReadOnlyList<AccessRequestFile> ListRequests(Subject subject, bool incoming, bool pendingOnly)
    {
        using var connection = Open();
        var where = incoming ? "WHERE holder_agency = $who" : "WHERE requester_user_id = $who";
        if (pendingOnly)
        {
            where += $" AND state = {(int)RequestState.Pending}";
        }

        return ReadRequests(connection, where + " ORDER BY requested_at", ("$who", incoming ? subject.Agency : subject.UserId));
    }

    private static List<AccessRequestFile> ReadRequests(SqliteConnection connection, string where, params (string, object?)[] parameters)
    {
        var requests = new List<AccessRequestFile>();
        using (var command = Command(connection, $"""
            SELECT request_id, requester_user_id, requester_agency, record_id, holder_agency, reason, case_ref, state,
                   decided_by, decision_reason, requested_at, decided_at, grant_id, grant_expires_at FROM access_requests {where}
            """, parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                requests.Add(new AccessRequestFile(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), (RequestState)reader.GetInt32(7), reader.GetString(8), reader.GetString(9),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
                    reader.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
                    reader.GetString(12),
                    reader.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13))));
            }
        }

        // An approval's grant as it stands now: the requester learns of a revocation from the request itself.
        return requests.ConvertAll(request => request.GrantId.Length == 0
            ? request
            : request with { Grant = ReadGrants(connection, "WHERE grant_id = $id", ("$id", request.GrantId)).FirstOrDefault() });
    }

    public IReadOnlyList<GrantFile> ListGrants(Subject subject, bool given, bool includeExpired, DateTimeOffset now)
    {
        using var connection = Open();
        var where = given ? "WHERE granted_by_agency = $who" : "WHERE grantee_user_id = $who";
        if (!includeExpired)
        {
            where += " AND revoked = 0 AND valid_to > $now";
        }

        return ReadGrants(connection, where + " ORDER BY valid_from", ("$who", given ? subject.Agency : subject.UserId), ("$now", now.ToUnixTimeMilliseconds()));
    }

    public GrantFile? FindGrant(string grantId)
    {
        using var connection = Open();
        return ReadGrants(connection, "WHERE grant_id = $id", ("$id", grantId)).FirstOrDefault();
    }

    public Task RevokeGrantAsync(string grantId, GrantRevocation revocation) => WriteAsync((connection, transaction) =>
    {
        using var update = Command(connection,
            "UPDATE grants SET revoked = 1, revoked_by = $by, revoked_at = $at, revoke_reason = $reason WHERE grant_id = $id",
            ("$id", grantId), ("$by", revocation.By), ("$at", revocation.At.ToUnixTimeMilliseconds()), ("$reason", revocation.Reason));
        update.Transaction = transaction;
        update.ExecuteNonQuery();
    });

    private static List<GrantFile> ReadGrants(SqliteConnection connection, string where, params (string, object?)[] parameters)
    {
        using var command = Command(connection, $"""
            SELECT grant_id, grantee_user_id, grantee_agency, record_ids, valid_from, valid_to, granted_by, granted_by_agency, request_id, revoked,
                   revoked_by, revoked_at, revoke_reason
            FROM grants {where}
            """, parameters);
        using var reader = command.ExecuteReader();
        var grants = new List<GrantFile>();
        while (reader.Read())
        {
            grants.Add(new GrantFile(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.GetInt64(9) == 0 ? null : new GrantRevocation(reader.GetString(10),
                    reader.IsDBNull(11) ? DateTimeOffset.UnixEpoch : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)), reader.GetString(12))));
        }

        return grants;
    }
}
