namespace Equimodal.Evaluation.TaskMetrics;

/// <summary>The accuracies of a sentiment-like score (see <see cref="RegressionMetrics.ScoreAccuracies"/>).</summary>
/// <param name="Binary">Negative against non-negative, every sample (MMSA's Has0_acc_2).</param>
/// <param name="NonZeroBinary">Negative against positive, samples with a non-zero target only (MMSA's Non0_acc_2); NaN when every target is 0.</param>
/// <param name="Classes">Rounded clipped prediction equals rounded clipped target (MMSA's Mult_acc_7 on [-3, 3]).</param>
public sealed record SentimentAccuracies(double Binary, double NonZeroBinary, double Classes);
