namespace Equimodal.Evaluation;

/// <summary>One probe's result: accuracy on validation at the selected epoch, and on test with those weights.</summary>
/// <param name="Features"><see cref="AllFeatures"/> for the concatenated features, else the modality name.</param>
/// <param name="ValidationAccuracy">Best validation accuracy over the epochs.</param>
/// <param name="TestAccuracy">Test accuracy of the probe selected on validation.</param>
/// <param name="Epoch">The selected epoch (1-based).</param>
public sealed record ProbeResult(string Features, double ValidationAccuracy, double TestAccuracy, int Epoch)
{
    /// <summary>The <see cref="Features"/> of the probe on every modality's features concatenated.</summary>
    public const string AllFeatures = "all";
}
