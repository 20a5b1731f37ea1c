namespace Equimodal.Evaluation.TaskMetrics;

/// <summary>Multi-label metrics of a score matrix against multi-hot labels (see <see cref="MultiLabelMetrics.Compute"/>).</summary>
/// <param name="MapMacro">Mean of the labels' average precisions over the labels with at least one positive sample.</param>
/// <param name="MapMicro">Average precision of all (sample, label) pairs taken as one ranking.</param>
/// <param name="F1Macro">Mean over all labels of each label's F1 at the threshold (0 for a label never true and never predicted).</param>
/// <param name="F1Micro">F1 of all (sample, label) pairs at the threshold.</param>
/// <param name="SubsetAccuracy">Fraction of samples whose predicted label set equals the true set.</param>
/// <param name="HammingLoss">Fraction of (sample, label) pairs predicted wrongly.</param>
public sealed record MultiLabelScores(double MapMacro, double MapMicro, double F1Macro, double F1Micro, double SubsetAccuracy, double HammingLoss);
