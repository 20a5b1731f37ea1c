using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// What a method's loss computation returns: the loss to minimise and the fused logits (for train accuracy). A method
/// whose later hooks of the same step need more (e.g. the batch) returns a derived record carrying it, rather than
/// keeping it in a field.
/// </summary>
/// <param name="Loss">Scalar loss.</param>
/// <param name="Logits">Fused logits of the batch.</param>
public record StepOutput(Tensor Loss, Tensor Logits);
