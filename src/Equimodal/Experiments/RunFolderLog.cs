using Equimodal.Training;

namespace Equimodal.Experiments;

/// <summary>
/// Keeps a run folder's metrics.jsonl in step with its training: one line per finished epoch, and on resume the lines of
/// the checkpoint's epochs only (lines written after the checkpoint, before a crash, are dropped).
/// </summary>
internal sealed class RunFolderLog : ITrainingObserver
{
    private readonly RunFolder _folder;

    public RunFolderLog(RunFolder folder) => _folder = folder;

    public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
    {
    }

    public void OnEpochEnd(EpochRecord record, int epochs) => _folder.AppendEpoch(record);

    public void OnResumed(IReadOnlyList<EpochRecord> finished) => _folder.RewriteMetrics(finished);
}
