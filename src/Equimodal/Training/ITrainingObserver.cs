namespace Equimodal.Training;

/// <summary>Receives progress while a model trains (a console display, a run folder's log, TensorBoard, a test): the trainer's one reporting channel.</summary>
public interface ITrainingObserver
{
    /// <summary>Called after every optimisation step.</summary>
    void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss);

    /// <summary>Called after validation at the end of every epoch.</summary>
    void OnEpochEnd(EpochRecord record, int epochs);

    /// <summary>
    /// Called when a run resumes from a checkpoint, with the epochs it had finished (a log rewrites itself from them),
    /// before the next epoch starts. Default: ignored.
    /// </summary>
    void OnResumed(IReadOnlyList<EpochRecord> finished)
    {
    }

    /// <summary>Called for problems that do not stop the run (e.g. a corrupt checkpoint skipped on resume). Default: ignored.</summary>
    void OnWarning(string message)
    {
    }

    /// <summary>Called for progress of a long phase that is not an epoch of the run (a method training its teachers). Default: ignored.</summary>
    void OnProgress(string message)
    {
    }
}
