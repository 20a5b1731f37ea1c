namespace Equimodal.Evaluation;

/// <summary>
/// What every method reports about its modalities and its cost, computed by the same code for all methods after training.
/// Fields that need a diagnostic not run (Shapley values, attribution shares) stay null.
/// </summary>
public sealed record ModelDiagnostics
{
    /// <summary>Test accuracy of each modality's own logits (modality failure shows as a low value).</summary>
    public IReadOnlyDictionary<string, double> ModalityAccuracy { get; init; } = new Dictionary<string, double>();

    /// <summary>Exact Shapley value of each modality over test accuracy, when a Shapley diagnostic ran.</summary>
    public IReadOnlyDictionary<string, double>? ShapleyValues { get; init; }

    /// <summary>Normalized spread of the Shapley values (|phi_a - phi_v| / (phi_a + phi_v) for two modalities), when computed.</summary>
    public double? ImbalanceDegree { get; init; }

    /// <summary>
    /// BalanceBenchmark's imbalance: |phi_1 - phi_2| of the Shapley values over test accuracy (mean over modality pairs for
    /// more), in accuracy units, when computed. Unlike <see cref="ImbalanceDegree"/> it is not normalised by the values' size.
    /// </summary>
    public double? ShapleyGap { get; init; }

    /// <summary>Mean attribution share of each modality on test data (measured by the evaluator for every method).</summary>
    public IReadOnlyDictionary<string, double>? AttributionShares { get; init; }

    /// <summary>Test accuracy with each modality missing, when the robustness diagnostic ran.</summary>
    public IReadOnlyDictionary<string, double>? AccuracyMissing { get; init; }

    /// <summary>Test accuracy with each modality under its default corruption, when the robustness diagnostic ran.</summary>
    public IReadOnlyDictionary<string, double>? AccuracyCorrupted { get; init; }

    /// <summary>
    /// Linear probes of the frozen encoders, when the linear-probe diagnostic ran: the concatenated features
    /// (<see cref="ProbeResult.AllFeatures"/>) first, then each modality the model reads.
    /// </summary>
    public IReadOnlyList<ProbeResult>? LinearProbes { get; init; }

    /// <summary>Seconds spent in training steps over all epochs.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Mean training seconds per epoch.</summary>
    public double SecondsPerEpoch { get; init; }

    /// <summary>Mean seconds per optimisation step.</summary>
    public double SecondsPerStep { get; init; }
}
