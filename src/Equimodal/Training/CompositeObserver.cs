namespace Equimodal.Training;

/// <summary>Passes every training event to several observers in order (e.g. a console display and a TensorBoard log).</summary>
public sealed class CompositeObserver : ITrainingObserver
{
    private readonly ITrainingObserver[] _observers;

    /// <summary>Combines <paramref name="observers"/>; null entries are left out.</summary>
    public CompositeObserver(params ITrainingObserver?[] observers) => _observers = observers.OfType<ITrainingObserver>().ToArray();

    /// <summary>The observers that receive the events.</summary>
    public IReadOnlyList<ITrainingObserver> Observers => _observers;

    /// <inheritdoc />
    public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
    {
        foreach (ITrainingObserver observer in _observers) observer.OnStep(epoch, epochs, step, stepsPerEpoch, loss);
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochRecord record, int epochs)
    {
        foreach (ITrainingObserver observer in _observers) observer.OnEpochEnd(record, epochs);
    }

    /// <inheritdoc />
    public void OnResumed(IReadOnlyList<EpochRecord> finished)
    {
        foreach (ITrainingObserver observer in _observers) observer.OnResumed(finished);
    }

    /// <inheritdoc />
    public void OnWarning(string message)
    {
        foreach (ITrainingObserver observer in _observers) observer.OnWarning(message);
    }

    /// <inheritdoc />
    public void OnProgress(string message)
    {
        foreach (ITrainingObserver observer in _observers) observer.OnProgress(message);
    }
}
