using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>What a method's loss computation returns: the loss to minimise and the fused logits (for train accuracy).</summary>
/// <param name="Loss">Scalar loss.</param>
/// <param name="Logits">Fused logits of the batch.</param>
public sealed record StepOutput(Tensor Loss, Tensor Logits);
