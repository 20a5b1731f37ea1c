namespace Equimodal.Selection;

/// <summary>A candidate's standing in one rung, measured on the validation split.</summary>
/// <param name="Name">Candidate (row) name.</param>
/// <param name="Accuracy">Best validation accuracy within the rung's epochs (the weights the run would keep).</param>
/// <param name="FailureGap">Validation failure gap at that epoch (fraction), or null without unimodal references.</param>
public sealed record CandidateScore(string Name, double Accuracy, double? FailureGap);
