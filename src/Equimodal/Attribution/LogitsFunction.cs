using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// The function being explained: one tensor per modality (batch first) to logits [batch, classes]. Rows must not
/// interact (no batch statistics), because attribution evaluates many interpolated rows in one call.
/// </summary>
public delegate Tensor LogitsFunction(IReadOnlyList<Tensor> inputs);
