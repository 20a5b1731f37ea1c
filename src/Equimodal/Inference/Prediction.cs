namespace Equimodal.Inference;

/// <summary>The model's answer for one sample.</summary>
/// <param name="Id">Sample id.</param>
/// <param name="Probabilities">
/// Per output, in the run's order: the softmax probability of every class (classification), the sigmoid probability of
/// every label (multi-label), or the predicted value of every target (regression).
/// </param>
/// <param name="Shares">Each modality's attribution share (Gradient x Input of the predicted class at the fusion input, summing to 1; 0 for a missing modality).</param>
/// <param name="Missing">Modalities the sample lacked; the prediction comes from the others.</param>
public sealed record Prediction(string Id, IReadOnlyList<double> Probabilities, IReadOnlyList<double> Shares, IReadOnlyList<string> Missing)
{
    /// <summary>The task of the model that predicted (what <see cref="Probabilities"/> holds).</summary>
    public Tasks.TaskKind Task { get; init; } = Tasks.TaskKind.Classification;

    /// <summary>Multi-label: the probability at or above which a label is predicted (the run's validation threshold); NaN for other tasks.</summary>
    public double LabelThreshold { get; init; } = double.NaN;

    /// <summary>Multi-label: the indices of the labels predicted present (probability at or above <see cref="LabelThreshold"/>), in label order.</summary>
    public IReadOnlyList<int> PredictedLabels => Probabilities.Select((p, i) => (p, i)).Where(x => x.p >= LabelThreshold).Select(x => x.i).ToArray();

    /// <summary>Index of the most probable class.</summary>
    public int Predicted => Probabilities.Select((p, c) => (p, c)).MaxBy(x => x.p).c;

    /// <summary>The <paramref name="k"/> most probable classes (index, probability), most probable first; ties keep class order.</summary>
    public IReadOnlyList<(int Class, double Probability)> Top(int k) =>
        Probabilities.Select((p, c) => (Class: c, Probability: p)).OrderByDescending(x => x.Probability).ThenBy(x => x.Class).Take(k).ToArray();
}

/// <summary>One sample to predict from files: a path per modality of the model, null (or a file that does not exist) for a missing modality.</summary>
/// <param name="Id">Sample id (written in the output row).</param>
/// <param name="Paths">Path of each modality by name.</param>
public sealed record PredictionSample(string Id, IReadOnlyDictionary<string, string?> Paths);

/// <summary>A sample that could not be read, and why.</summary>
/// <param name="Id">Sample id.</param>
/// <param name="Reason">The error, naming the file.</param>
public sealed record PredictionFailure(string Id, string Reason);
