namespace Equimodal.Training;

/// <summary>Position of one optimisation step.</summary>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="Step">Zero-based step within the epoch.</param>
/// <param name="GlobalStep">Zero-based step since the start of training.</param>
/// <param name="StepsPerEpoch">Steps in one epoch.</param>
public sealed record StepInfo(int Epoch, int Step, long GlobalStep, int StepsPerEpoch);
