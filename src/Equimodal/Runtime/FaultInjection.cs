using System.Diagnostics;
using System.Globalization;

namespace Equimodal.Runtime;

/// <summary>
/// Test hook that kills the process hard at a chosen point, so crash recovery can be tested with a real child process.
/// Set EQUIMODAL_FAULT to "kill-after-step:N" (after global step N, one-based) or "kill-during-checkpoint:N" (halfway
/// through writing the N-th checkpoint of this process) or "throw-after-step:N" (an exception instead of a kill, e.g. on one
/// rank of a data-parallel job). Unset in normal use: then every call is a no-op.
/// </summary>
public static class FaultInjection
{
    /// <summary>Name of the environment variable.</summary>
    public const string Variable = "EQUIMODAL_FAULT";

    private static readonly (string Kind, long At)? Fault = Parse(Environment.GetEnvironmentVariable(Variable));
    private static long _checkpointsWritten;

    /// <summary>Kills the process if the fault is "kill-after-step" at <paramref name="completedSteps"/>.</summary>
    public static void AfterStep(long completedSteps)
    {
        if (Fault is ("kill-after-step", var at) && completedSteps == at) KillSelf();
        if (Fault is ("throw-after-step", var step) && completedSteps == step) throw new InvalidOperationException($"Injected fault after step {step} ({Variable}).");
    }

    /// <summary>Writes a checkpoint's bytes, or half of them and then kills the process when that fault is armed.</summary>
    public static void WriteCheckpoint(Stream stream, byte[] bytes)
    {
        long index = Interlocked.Increment(ref _checkpointsWritten);
        if (Fault is ("kill-during-checkpoint", var at) && index == at)
        {
            stream.Write(bytes, 0, bytes.Length / 2);
            stream.Flush();
            KillSelf();
        }
        stream.Write(bytes);
    }

    private static void KillSelf() => Process.GetCurrentProcess().Kill();

    private static (string, long)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        string[] parts = value.Split(':');
        if (parts.Length != 2 || parts[0] is not ("kill-after-step" or "kill-during-checkpoint" or "throw-after-step")
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long at))
            throw new ArgumentException($"{Variable}='{value}' is invalid: expected kill-after-step:N, kill-during-checkpoint:N or throw-after-step:N.");
        return (parts[0], at);
    }
}
