using Equimodal.Evaluation;

namespace Equimodal.Training;

/// <summary>End-of-epoch information handed to a method.</summary>
/// <param name="Epoch">Zero-based epoch that ended.</param>
/// <param name="Validation">Metrics of the current model on the validation split.</param>
public sealed record EpochEnd(int Epoch, EvaluationResult Validation);
