using Equimodal.Training;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// target-shares=adaptive: uniform at first, then after every epoch each modality is asked to contribute in proportion
/// to its own logits' validation accuracy (unchanged when every accuracy is 0).
/// </summary>
public sealed class AdaptiveTargets : TargetPolicy
{
    /// <inheritdoc />
    public override void OnEpochEnd(EpochEnd epoch, IReadOnlyList<string> modalities)
    {
        double[] accuracy = modalities.Select(m => epoch.Validation.ModalityAccuracy.TryGetValue(m, out double a) ? a : 0).ToArray();
        if (accuracy.Sum() > 0) Set(Normalise(accuracy));
    }
}
