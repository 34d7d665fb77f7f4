using Grpc.Core;
using Grpc.Net.Client;
using IntelShare.Contracts.V1;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>Builders for the records the tests contribute.</summary>
public static class TestRecords
{
    public static RecordContent Person(string sourceRef, string given = "Ivan", string family = "Petrov", string dateOfBirth = "1985-04-12") => new()
    {
        SourceRef = sourceRef,
        Marking = Marking(),
        Person = new Person
        {
            Name = new PersonName { GivenName = given, FamilyName = family },
            DateOfBirth = dateOfBirth,
            Nationalities = { "MD" },
        },
    };

    public static Marking Marking(Classification classification = Classification.OfficialSensitive) => new()
    {
        Classification = classification,
        Handling = new Handling { Code = HandlingCode.HandlingP },
        Discoverable = true,
    };

    public static Justification Because(string reason = "test read", string caseRef = "") =>
        new() { Reason = reason, CaseRef = caseRef, Purpose = Purpose.CriminalInvestigation };

    public static RecordsService.RecordsServiceClient RecordsClient(this GrpcChannel channel) => new(channel);

    public static string UniqueRef(string prefix = "ref") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>The google.rpc.BadRequest field names of an INVALID_ARGUMENT.</summary>
    public static IReadOnlyList<string> ViolatedFields(this RpcException error)
    {
        var status = error.GetRpcStatus() ?? throw new InvalidOperationException("The error carries no google.rpc.Status details.");
        var badRequest = status.GetDetail<Google.Rpc.BadRequest>() ?? throw new InvalidOperationException("The error carries no BadRequest.");
        return badRequest.FieldViolations.Select(v => v.Field).ToList();
    }
}
