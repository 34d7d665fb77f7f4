namespace IntelShare.Host;

/// <summary>
/// Names this assembly's entry point for WebApplicationFactory: every service's generated
/// Program class is public, so "Program" alone is ambiguous where several are referenced.
/// </summary>
public sealed class AllInOneHost;
