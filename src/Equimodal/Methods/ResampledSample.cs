namespace Equimodal.Methods;

/// <summary>One re-sampled training example: a train sample and the modality it trains (the other one is masked).</summary>
/// <param name="Sample">Index of the sample in the train split.</param>
/// <param name="Modality">Model modality kept; the other modality's embedding is zeroed.</param>
public readonly record struct ResampledSample(int Sample, int Modality);
