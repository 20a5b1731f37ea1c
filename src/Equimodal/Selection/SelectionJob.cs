using Equimodal.Experiments;

namespace Equimodal.Selection;

/// <summary>One unit of work: train <paramref name="Run"/> to epoch <paramref name="PauseAfterEpoch"/> of its schedule, or to its end and evaluate on test (null).</summary>
/// <param name="Stage">"rung K" or "final".</param>
/// <param name="Run">The row: its name, configuration (the full schedule) and folder.</param>
/// <param name="PauseAfterEpoch">Epoch to pause after; null finishes the run.</param>
public sealed record SelectionJob(string Stage, ComparisonRun Run, int? PauseAfterEpoch);
