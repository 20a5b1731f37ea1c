namespace Equimodal.Distributed;

/// <summary>
/// Runs one process's part of a data-parallel job so that a failure on any rank ends the whole job: the failing rank
/// reports the error and aborts every process (MPI_Abort), instead of leaving the others waiting in a collective forever.
/// </summary>
public static class DataParallelJob
{
    // A rank other than 0 waits this long before reporting, so when every rank fails alike (a bad option, divergence of
    // the shared weights) rank 0's abort ends the job first and the message is printed once.
    private static readonly TimeSpan ReportDelay = TimeSpan.FromSeconds(1.5);

    /// <summary>Exit code of a job ended by an error.</summary>
    public const int FailureExitCode = 2;

    /// <summary>
    /// Runs <paramref name="work"/> and returns its exit code after finalizing the collective; an exception is handed to
    /// <paramref name="report"/> (prefixed with the rank when it is not 0) and aborts the job.
    /// </summary>
    public static int Run(ICollective collective, Func<int> work, Action<string> report)
    {
        int code;
        try
        {
            code = work();
        }
        catch (Exception e)
        {
            if (collective.Rank != 0) Thread.Sleep(ReportDelay);
            report(collective.Rank == 0 ? e.Message : $"rank {collective.Rank}: {e.Message}");
            Console.Out.Flush();
            collective.Abort(FailureExitCode);
            return FailureExitCode;
        }
        (collective as IDisposable)?.Dispose();
        return code;
    }
}
