
namespace Equimodal.Training;

/// <summary>What a step of <see cref="StepRunner"/> computed: the method's output and the loss's value.</summary>
/// <param name="Output">The loss computation's output (loss, logits and whatever the method's output carries).</param>
/// <param name="Loss">The loss's value, checked to be finite before the step.</param>
public sealed record StepResult(StepOutput Output, double Loss);
