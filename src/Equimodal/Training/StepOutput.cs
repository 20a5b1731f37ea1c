using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// What a method's loss computation returns: the loss to minimise and the fused logits (for train accuracy). The trainer
/// hands the same object to the step's later hooks (<see cref="TrainingMethod.Backward"/>,
/// <see cref="TrainingMethod.AfterOptimizerStep"/>), so a method that needs more of its step there (its loss terms, the
/// gradients of one of them) returns a derived record carrying it instead of keeping it in fields.
/// </summary>
/// <param name="Loss">Scalar loss.</param>
/// <param name="Logits">Fused logits of the batch.</param>
public record StepOutput(Tensor Loss, Tensor Logits);
