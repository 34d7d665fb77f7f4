using System.Text.RegularExpressions;
using IntelShare.Access.Client;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Access.Domain;

public sealed record AccessOptions
{
    /// <summary>The longest an originator may grant access beyond a marking.</summary>
    public TimeSpan MaxGrantDuration { get; init; } = TimeSpan.FromDays(90);
}

/// <summary>
/// Cases, access requests and grants with the rules about who may do what: the originator's
/// supervisors decide requests for their records; a case's owner agency manages its members.
/// </summary>
public sealed partial class AccessManager(AccessStore store, IRecordDirectory? records, IAgencyDirectory agencies, IUserDirectory users, AccessOptions options, TimeProvider clock)
{
    public async Task<CaseFile> CreateCaseAsync(Subject subject, string caseRef, string title, IReadOnlyList<CaseMembership> members)
    {
        RequireAnyRole(subject, "Creating a case", Roles.Analyst, Roles.Supervisor);
        var violations = new Violations();
        violations.Require(CaseReference().IsMatch(caseRef ?? ""), "case_ref", "must be 2 to 64 characters: letters A to Z (any case), digits, '-', '_' or '/', starting with a letter or digit");
        violations.Require(!string.IsNullOrWhiteSpace(title), "title", "is required");
        await ValidateMembersAsync(members, violations, "members");
        violations.ThrowIfAny();

        var file = new CaseFile(caseRef!, title, subject.Agency, [new CaseMembership(subject.UserId, null), .. members], clock.GetUtcNow(), null, "");
        await store.CreateCaseAsync(file);
        return store.FindCase(caseRef!)!;
    }

    public CaseFile GetCase(Subject subject, string caseRef)
    {
        RequireId("case_ref", caseRef);
        return KnownCase(subject, caseRef);
    }

    /// <summary>
    /// The case, to oversight, its members and its owner agency; to anyone else it is answered as an unknown one,
    /// since a reference alone can name an operation.
    /// </summary>
    private CaseFile KnownCase(Subject subject, string caseRef) =>
        store.FindCaseKnownTo(subject, caseRef) ?? throw new NotFoundException("Case", caseRef ?? "");

    public async Task<CaseFile> ChangeMemberAsync(Subject subject, string caseRef, CaseMembership member, bool add)
    {
        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(caseRef), "case_ref", "is required");
        // A member who has left the directory can still be taken off a case.
        await ValidateMembersAsync([member], violations, "member", againstDirectory: add);
        violations.ThrowIfAny();
        var file = RequireOwnedCase(subject, caseRef);
        if (add)
        {
            await store.AddMemberAsync(file.CaseRef, member);
        }
        else
        {
            await store.RemoveMemberAsync(file.CaseRef, member);
        }

        return store.FindCase(caseRef)!;
    }

    public async Task<CaseFile> RecordCompromiseAsync(Subject subject, string caseRef, DateTimeOffset? at, string note)
    {
        RequireId("case_ref", caseRef);
        var file = KnownCase(subject, caseRef);
        if (!subject.HasRole(Roles.Oversight) && !(subject.HasRole(Roles.Supervisor) && subject.Agency == file.OwnerAgency))
        {
            throw new PermissionDeniedException("Only a supervisor of the case's owner agency, or oversight, records a compromised operation.");
        }

        var when = at ?? clock.GetUtcNow();
        if (when > clock.GetUtcNow().AddMinutes(5))
        {
            throw new ValidationFailedException([new FieldViolation("at", "is in the future: record a compromise once it happened")]);
        }

        if (when < file.CreatedAt)
        {
            throw new ValidationFailedException([new FieldViolation("at",
                $"is before the case was opened ({file.CreatedAt:yyyy-MM-dd HH:mm}Z): an operation is compromised while it runs")]);
        }

        await store.RecordCompromiseAsync(file.CaseRef, when, note ?? "");
        return store.FindCase(file.CaseRef)!;
    }

    public async Task<AccessRequestFile> RequestAsync(Subject subject, string recordId, string reason, string caseRef)
    {
        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(recordId), "record_id", "is required");
        violations.Require(!string.IsNullOrWhiteSpace(reason), "reason", "is required: say why you need the record");
        var file = string.IsNullOrEmpty(caseRef) ? null : store.FindCaseKnownTo(subject, caseRef);
        violations.Require(string.IsNullOrEmpty(caseRef) || file is not null, "case_ref", $"'{caseRef}' is not a case you know of");
        violations.ThrowIfAny();
        caseRef = file?.CaseRef ?? "";

        var directory = records ?? throw new PreconditionFailedException("The Records service is not reachable from Access: access requests cannot be placed.");
        // An unknown record and one the caller may not know of look the same: nothing to ask about.
        var holder = await directory.FindAsync(subject, recordId, new ReadJustification(caseRef, reason, ReadPurpose.Unspecified), CancellationToken.None)
            ?? throw new NotFoundException("Record", recordId);
        if (holder.Agency == subject.Agency)
        {
            throw new PreconditionFailedException($"Record '{recordId}' is your own agency's: no request is needed.");
        }

        if (store.ListRequests(subject, incoming: false, pendingOnly: true).FirstOrDefault(r => r.RecordId == recordId) is { } pending)
        {
            throw new PreconditionFailedException($"You asked for record '{recordId}' already ({pending.RequestId}), and it is still pending: `access requests` shows its decision once made.");
        }

        var request = new AccessRequestFile("req-" + Guid.CreateVersion7().ToString("N"), subject.UserId, subject.Agency, recordId, holder.Agency,
            reason, caseRef, RequestState.Pending, "", "", clock.GetUtcNow(), null, "", null);
        await store.AddRequestAsync(request);
        return request;
    }

    public async Task<AccessRequestFile> ApproveAsync(Subject subject, string requestId, DateTimeOffset? expiresAt, string reason)
    {
        var now = clock.GetUtcNow();
        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(requestId), "request_id", "is required");
        if (expiresAt is null)
        {
            violations.Add("expires_at", "is required: a grant always expires");
        }
        else if (expiresAt <= now)
        {
            violations.Add("expires_at", "is in the past");
        }
        else if (expiresAt > now + options.MaxGrantDuration)
        {
            violations.Add("expires_at", $"is beyond the longest grant allowed ({options.MaxGrantDuration.TotalDays:0} days)");
        }

        violations.ThrowIfAny();
        var request = RequireDecidable(subject, requestId);
        var grant = new GrantFile("grant-" + Guid.CreateVersion7().ToString("N"), request.RequesterUserId, request.RequesterAgency, [request.RecordId],
            now, expiresAt!.Value, subject.UserId, subject.Agency, request.RequestId, null);
        await store.ApproveAsync(requestId, subject, reason ?? "", grant, now);
        return store.FindRequest(requestId)!;
    }

    public async Task<AccessRequestFile> RefuseAsync(Subject subject, string requestId, string reason)
    {
        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(requestId), "request_id", "is required");
        violations.Require(!string.IsNullOrWhiteSpace(reason), "reason", "is required: the requester is told why");
        violations.ThrowIfAny();
        RequireDecidable(subject, requestId);
        await store.RefuseAsync(requestId, subject, reason, clock.GetUtcNow());
        return store.FindRequest(requestId)!;
    }

    public async Task<GrantFile> RevokeAsync(Subject subject, string grantId, string reason)
    {
        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(grantId), "grant_id", "is required");
        violations.Require(!string.IsNullOrWhiteSpace(reason), "reason", "is required: the grantee is told why the access ends early");
        violations.ThrowIfAny();
        var grant = store.FindGrant(grantId) is { } found && (found.GranteeUserId == subject.UserId || found.GrantedByAgency == subject.Agency)
            ? found
            : throw new NotFoundException("Grant", grantId);
        if (!(subject.HasRole(Roles.Supervisor) && subject.Agency == grant.GrantedByAgency))
        {
            throw new PermissionDeniedException("Only a supervisor of the agency that gave a grant may revoke it.");
        }

        if (grant.Revoked)
        {
            throw new PreconditionFailedException($"Grant '{grantId}' is already revoked.");
        }

        await store.RevokeGrantAsync(grantId, new GrantRevocation(subject.UserId, clock.GetUtcNow(), reason ?? ""));
        return store.FindGrant(grantId)!;
    }

    /// <summary>An id left empty is a malformed request, not a look-up of something that does not exist.</summary>
    private static void RequireId(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationFailedException([new FieldViolation(field, "is required")]);
        }
    }

    private AccessRequestFile RequireDecidable(Subject subject, string requestId)
    {
        var request = store.FindRequest(requestId ?? "") is { } found && (found.RequesterUserId == subject.UserId || found.HolderAgency == subject.Agency)
            ? found
            // Known only to who asked and the agency asked: to anyone else, as a request that was never made.
            : throw new NotFoundException("Access request", requestId ?? "");
        if (!subject.HasRole(Roles.Supervisor) || subject.Agency != request.HolderAgency)
        {
            throw new PermissionDeniedException($"Only a supervisor of the originator agency '{request.HolderAgency}' decides this request.");
        }

        return request;
    }

    private CaseFile RequireOwnedCase(Subject subject, string caseRef)
    {
        var file = KnownCase(subject, caseRef);
        if (subject.Agency != file.OwnerAgency || !(subject.HasRole(Roles.Supervisor) || subject.HasRole(Roles.Analyst)))
        {
            throw new PermissionDeniedException($"Only analysts and supervisors of the owner agency '{file.OwnerAgency}' manage case '{caseRef}'.");
        }

        return file;
    }

    private async Task ValidateMembersAsync(IReadOnlyList<CaseMembership> members, Violations violations, string field, bool againstDirectory = true)
    {
        var namedAgencies = againstDirectory ? members.Select(m => m.Agency).OfType<string>().Where(a => a.Length > 0).ToList() : [];
        var knownAgencies = namedAgencies.Count == 0 ? null : await agencies.KnownAsync(namedAgencies, CancellationToken.None);
        var namedUsers = againstDirectory ? members.Select(m => m.UserId).OfType<string>().Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).ToList() : [];
        var knownUsers = (await users.FindAsync(namedUsers, [], CancellationToken.None)).ToDictionary(u => u.UserId, StringComparer.Ordinal);
        for (var i = 0; i < members.Count; i++)
        {
            var path = members.Count == 1 && field == "member" ? field : $"{field}[{i}]";
            var hasUser = !string.IsNullOrWhiteSpace(members[i].UserId);
            var hasAgency = !string.IsNullOrWhiteSpace(members[i].Agency);
            violations.Require(hasUser ^ hasAgency, path, "names exactly one of user_id or agency");
            // A membership for a misspelt agency or user would open the case to no one.
            if (hasAgency && knownAgencies is not null && !knownAgencies.Contains(members[i].Agency!))
            {
                violations.Add($"{path}.agency", $"'{members[i].Agency}' is not an agency taking part (Identity's ListAgencies lists them)");
            }

            if (hasUser && againstDirectory && !knownUsers.ContainsKey(members[i].UserId!))
            {
                violations.Add($"{path}.user_id", $"'{members[i].UserId}' is not a user id (Identity's FindUsers finds a user's id by user name)");
            }
            else if (hasUser && againstDirectory && knownUsers[members[i].UserId!].Disabled)
            {
                violations.Add($"{path}.user_id", $"'{members[i].UserId}' is a disabled user");
            }
        }
    }

    private static void RequireAnyRole(Subject subject, string what, params string[] roles)
    {
        if (!roles.Any(subject.HasRole))
        {
            throw new PermissionDeniedException($"{what} needs one of the roles: {string.Join(", ", roles)}.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_/-]{1,63}$")]
    private static partial Regex CaseReference();
}
