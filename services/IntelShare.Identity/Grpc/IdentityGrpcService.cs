using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Identity.Data;
using IntelShare.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using ContractAgency = IntelShare.Contracts.V1.Agency;

namespace IntelShare.Identity.Grpc;

/// <summary>Who the caller is and which agencies take part. Every call needs a valid access token (ServiceDefaults' fallback policy).</summary>
public sealed class IdentityGrpcService(IdentityDbContext db, IdentityDirectory directory) : IdentityService.IdentityServiceBase
{
    public override Task<SubjectProfile> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var subject = context.GetSubject();
        var reply = new SubjectProfile
        {
            UserId = subject.UserId,
            DisplayName = subject.DisplayName,
            Agency = subject.Agency,
            Clearance = ToClassification(subject.Clearance),
        };
        reply.Roles.AddRange(subject.Roles.Order(StringComparer.Ordinal));
        reply.CaveatEntitlements.AddRange(subject.CaveatEntitlements.Order(StringComparer.Ordinal));
        return Task.FromResult(reply);
    }

    public override async Task<ListAgenciesResponse> ListAgencies(ListAgenciesRequest request, ServerCallContext context)
    {
        var agencies = await db.Agencies.AsNoTracking()
            .OrderBy(a => a.Code)
            .ToListAsync(context.CancellationToken);

        var reply = new ListAgenciesResponse();
        reply.Agencies.AddRange(agencies.Select(a => new ContractAgency
        {
            Code = a.Code,
            Name = a.Name,
            Country = a.Country,
            Kind = a.Kind,
        }));
        return reply;
    }

    public override async Task<FindUsersResponse> FindUsers(FindUsersRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        violations.Require(request.UserIds.Count + request.UserNames.Count <= IdentityDirectory.MaxNamesPerLookup, "user_ids",
            $"and user_names name more than {IdentityDirectory.MaxNamesPerLookup} users: look them up in parts");
        RequireNames(request.UserIds, "user_ids", violations);
        RequireNames(request.UserNames, "user_names", violations);
        violations.ThrowIfAny();

        var found = await directory.FindAsync(request.UserIds, request.UserNames, context.CancellationToken);
        var reply = new FindUsersResponse();
        reply.Users.AddRange(found.Select(user => new DirectoryUser
        {
            UserId = user.UserId,
            UserName = user.UserName,
            DisplayName = user.DisplayName,
            Agency = user.Agency,
            Disabled = user.Disabled,
        }));
        return reply;
    }

    private static void RequireNames(IList<string> names, string field, Violations violations)
    {
        for (var i = 0; i < names.Count; i++)
        {
            violations.Require(!string.IsNullOrWhiteSpace(names[i]), $"{field}[{i}]", "is empty");
        }
    }

    public static Classification ToClassification(ClearanceLevel clearance) => clearance switch
    {
        ClearanceLevel.Official => Classification.Official,
        ClearanceLevel.OfficialSensitive => Classification.OfficialSensitive,
        ClearanceLevel.Secret => Classification.Secret,
        ClearanceLevel.TopSecret => Classification.TopSecret,
        _ => Classification.Unspecified,
    };
}
