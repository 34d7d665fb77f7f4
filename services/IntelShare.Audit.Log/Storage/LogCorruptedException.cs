namespace IntelShare.Audit.Log.Storage;

/// <summary>The files of a log contradict each other in a way a crash cannot explain; needs a person, not a retry.</summary>
public sealed class LogCorruptedException(string message) : IOException(message);
