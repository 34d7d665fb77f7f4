using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Audit.Domain;
using IntelShare.Contracts.V1;
using IntelShare.ServiceDefaults;
using LogSignedTreeHead = IntelShare.Audit.Log.Signing.SignedTreeHead;

namespace IntelShare.Audit.Grpc;

/// <summary>
/// Heads, proofs and the public key are open to every authenticated user, so anyone can check the log for
/// themselves; the raw leaves are for oversight only, since they say who read what.
/// </summary>
public sealed class AuditLogGrpcService(AuditLog log) : AuditLogService.AuditLogServiceBase
{
    public override Task<SignedTreeHead> GetSignedTreeHead(GetSignedTreeHeadRequest request, ServerCallContext context) =>
        Task.FromResult(MapToSignedTreeHead(log.GetSignedTreeHead(request.TreeSize)));

    public override Task<AuditPublicKey> GetPublicKey(GetPublicKeyRequest request, ServerCallContext context) =>
        Task.FromResult(new AuditPublicKey { KeyId = log.KeyId, PublicKeyPem = log.PublicKeyPem });

    public override Task<InclusionProof> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context)
    {
        var proof = new InclusionProof { LeafIndex = request.LeafIndex, TreeSize = request.TreeSize };
        proof.Hashes.AddRange(log.GetInclusionProof(request.LeafIndex, request.TreeSize).Select(ByteString.CopyFrom));
        return Task.FromResult(proof);
    }

    public override Task<ConsistencyProof> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context)
    {
        var proof = new ConsistencyProof { FirstTreeSize = request.FirstTreeSize, SecondTreeSize = request.SecondTreeSize };
        proof.Hashes.AddRange(log.GetConsistencyProof(request.FirstTreeSize, request.SecondTreeSize).Select(ByteString.CopyFrom));
        return Task.FromResult(proof);
    }

    public override Task<GetEntriesResponse> GetEntries(GetEntriesRequest request, ServerCallContext context)
    {
        var response = new GetEntriesResponse { Start = request.Start };
        response.Leaves.AddRange(log.GetEntries(context.GetSubject(), request.Start, request.Count).Select(ByteString.CopyFrom));
        return Task.FromResult(response);
    }

    private SignedTreeHead MapToSignedTreeHead(LogSignedTreeHead signed) => new()
    {
        TreeSize = signed.Head.TreeSize,
        Timestamp = Timestamp.FromDateTimeOffset(signed.Head.Timestamp),
        RootHash = ByteString.CopyFrom(signed.Head.RootHash),
        Signature = ByteString.CopyFrom(signed.Signature),
        KeyId = log.KeyId,
    };
}
