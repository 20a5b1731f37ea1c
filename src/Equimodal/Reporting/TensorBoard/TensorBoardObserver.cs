using Equimodal.Training;

namespace Equimodal.Reporting.TensorBoard;

/// <summary>
/// Writes each finished epoch's metrics as TensorBoard scalars (step = one-based epoch) to an event file in a run folder,
/// so <c>tensorboard --logdir runs</c> shows every run's curves. See <see cref="Scalars"/> for the tags.
/// </summary>
public sealed class TensorBoardObserver : ITrainingObserver
{
    private readonly string _folder;
    private readonly Func<DateTimeOffset> _clock;
    private string? _file;

    /// <summary>Logs to <paramref name="folder"/>; <paramref name="clock"/> gives wall times (default: now).</summary>
    public TensorBoardObserver(string folder, Func<DateTimeOffset>? clock = null)
    {
        _folder = folder;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Starts the log over with the epochs <paramref name="finished"/> (empty for a new run): events of those epochs already
    /// in the folder are kept with their wall times, missing ones are written from the records, and events of later epochs
    /// (logged before a crash, after the checkpoint a resume starts from) are dropped. The result replaces the folder's
    /// event files, so a resumed run continues its curves with each epoch exactly once.
    /// </summary>
    public void Restart(IReadOnlyList<EpochRecord> finished)
    {
        Directory.CreateDirectory(_folder);
        IReadOnlyList<string> previous = EventFile.In(_folder);
        var logged = new Dictionary<long, TensorBoardEvent>();
        foreach (string file in previous)
            foreach (TensorBoardEvent e in ReadIntact(file).Where(e => e.Scalars.Count > 0))
                logged[e.Step] = e;
        DateTimeOffset now = _clock();
        var events = new List<TensorBoardEvent> { new() { WallTime = Seconds(now), FileVersion = EventFile.Version } };
        events.AddRange(finished.Select(record => logged.TryGetValue(record.Epoch, out TensorBoardEvent? kept) ? kept : ScalarEvent(record, now)));
        string name = Path.Combine(_folder, $"events.out.{EventFile.NameMarker}.{now.ToUnixTimeMilliseconds()}.equimodal");
        while (previous.Contains(name)) name += "+";
        string temporary = name + ".tmp";
        File.Delete(temporary);
        EventFile.Append(temporary, events);
        File.Move(temporary, name);
        foreach (string file in previous.Where(file => file != name)) File.Delete(file);
        _file = name;
    }

    /// <inheritdoc />
    public void OnResumed(IReadOnlyList<EpochRecord> finished) => Restart(finished);

    /// <inheritdoc />
    public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
    {
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochRecord record, int epochs)
    {
        if (_file is null) Restart(Array.Empty<EpochRecord>());
        EventFile.Append(_file!, new[] { ScalarEvent(record, _clock()) });
    }

    /// <summary>
    /// The scalars of one epoch, by tag: <c>train/loss</c>, <c>train/accuracy</c>, <c>train/learning_rate</c>,
    /// <c>train/seconds</c>; <c>validation/loss</c>, <c>validation/accuracy</c>, <c>validation/mAP</c>,
    /// <c>validation/macro_F1</c>, <c>validation/macro_AUC</c>; <c>modality_accuracy/NAME</c> (each modality's own
    /// logits on validation); <c>attribution_share/NAME</c>; <c>method/KEY</c> for each method metric of metrics.jsonl.
    /// A multi-label or regression run has no training accuracy, and its validation tags are its task's metrics
    /// (<c>validation/CCC</c>, <c>validation/MAE</c>, ...) with <c>modality_CCC/NAME</c> (or <c>modality_mAP/NAME</c>).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, float>> Scalars(EpochRecord record)
    {
        List<KeyValuePair<string, float>> scalars = record.Validation.TaskMetrics.Count > 0 ? TaskScalars(record) : ClassificationScalars(record);
        scalars.AddRange(record.Validation.AttributionShares.Select(kv => new KeyValuePair<string, float>($"attribution_share/{kv.Key}", (float)kv.Value)));
        scalars.AddRange(record.MethodMetrics.Select(kv => new KeyValuePair<string, float>($"method/{kv.Key}", (float)kv.Value)));
        return scalars;
    }

    private static List<KeyValuePair<string, float>> ClassificationScalars(EpochRecord record)
    {
        var scalars = new List<KeyValuePair<string, float>>
        {
            new("train/loss", (float)record.TrainLoss),
            new("train/accuracy", (float)record.TrainAccuracy),
            new("train/learning_rate", (float)record.LearningRate),
            new("train/seconds", (float)record.TrainSeconds),
            new("validation/loss", (float)record.Validation.Loss),
            new("validation/accuracy", (float)record.Validation.Accuracy),
            new("validation/mAP", (float)record.Validation.MeanAveragePrecision),
            new("validation/macro_F1", (float)record.Validation.MacroF1),
            new("validation/macro_AUC", (float)record.Validation.MacroAuc),
        };
        scalars.AddRange(record.Validation.ModalityAccuracy.Select(kv => new KeyValuePair<string, float>($"modality_accuracy/{kv.Key}", (float)kv.Value)));
        return scalars;
    }

    private static List<KeyValuePair<string, float>> TaskScalars(EpochRecord record)
    {
        var scalars = new List<KeyValuePair<string, float>>
        {
            new("train/loss", (float)record.TrainLoss),
            new("train/learning_rate", (float)record.LearningRate),
            new("train/seconds", (float)record.TrainSeconds),
            new("validation/loss", (float)record.Validation.Loss),
        };
        scalars.AddRange(record.Validation.TaskMetrics.Select(kv => new KeyValuePair<string, float>($"validation/{kv.Key}", (float)kv.Value)));
        scalars.AddRange(record.Validation.ModalityAccuracy.Select(kv => new KeyValuePair<string, float>($"modality_{record.Validation.MainMetric}/{kv.Key}", (float)kv.Value)));
        return scalars;
    }

    private static TensorBoardEvent ScalarEvent(EpochRecord record, DateTimeOffset time) =>
        new() { WallTime = Seconds(time), Step = record.Epoch, Scalars = Scalars(record) };

    private static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    // A file damaged beyond a torn end is not worth failing a resume for: its epochs are rewritten from the records.
    private static IReadOnlyList<TensorBoardEvent> ReadIntact(string file)
    {
        try
        {
            return EventFile.Read(file);
        }
        catch (InvalidDataException)
        {
            return Array.Empty<TensorBoardEvent>();
        }
    }
}
