using Equimodal.Training;

using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// attr-reg's step output: the loss with its two terms, which penalty-scope=fusion back-propagates apart, and the
/// penalty's gradients on the fusion layers, which its separate optimizer applies after the main step.
/// </summary>
/// <param name="Loss">The whole loss.</param>
/// <param name="Logits">Fused logits of the batch.</param>
/// <param name="CrossEntropy">The fused logits' cross-entropy.</param>
/// <param name="WeightedPenalty">lambda times the share penalty.</param>
public sealed record PenalisedStep(Tensor Loss, Tensor Logits, Tensor CrossEntropy, Tensor WeightedPenalty) : StepOutput(Loss, Logits)
{
    /// <summary>The penalty's gradients on the fusion parameters (penalty-scope=fusion), set by Backward; null when the penalty has none.</summary>
    public Tensor[]? PenaltyGradients { get; set; }
}
