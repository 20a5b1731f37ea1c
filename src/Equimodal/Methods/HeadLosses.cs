namespace Equimodal.Methods;

/// <summary>Mean cross-entropy of every head (each modality's own logits, then the fused logits) at one estimation point.</summary>
/// <param name="Train">Loss of each head on the part of the training split that is trained on.</param>
/// <param name="HeldOut">Loss of each head on the held-out part of the training split.</param>
public sealed record HeadLosses(IReadOnlyList<double> Train, IReadOnlyList<double> HeldOut);
