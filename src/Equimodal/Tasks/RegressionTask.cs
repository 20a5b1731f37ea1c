using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Tasks;

/// <summary>
/// Regression of one or more targets: the outputs are the predicted values, MSE (or Huber) averaged over samples and
/// targets, concordance correlation (CCC) as the main metric; attribution explains the predicted value (summed over targets).
/// </summary>
public sealed class RegressionTask : PredictionTask
{
    /// <summary>
    /// Creates the task over <paramref name="targetNames"/>, trained with <paramref name="loss"/> (Huber threshold
    /// <paramref name="huberDelta"/>); <paramref name="scoreRange"/> adds the score accuracies to its metrics.
    /// </summary>
    public RegressionTask(IReadOnlyList<string> targetNames, RegressionLoss loss = RegressionLoss.Mse, double huberDelta = 1.0, ScoreRange? scoreRange = null)
        : base(targetNames)
    {
        if (!(huberDelta > 0)) throw new ArgumentException($"The Huber threshold must be positive, got {huberDelta}.");
        scoreRange?.Validate();
        LossKind = loss;
        HuberDelta = huberDelta;
        ScoreRange = scoreRange;
    }

    /// <inheritdoc />
    public override TaskKind Kind => TaskKind.Regression;

    /// <summary>The training loss.</summary>
    public RegressionLoss LossKind { get; }

    /// <summary>Threshold of the Huber loss.</summary>
    public double HuberDelta { get; }

    /// <summary>The range of a sentiment-like score whose binary and class accuracies the metrics include; null: none.</summary>
    public ScoreRange? ScoreRange { get; }

    /// <inheritdoc />
    public override TaskMetric MainMetric { get; } = new("CCC", true);

    /// <inheritdoc />
    public override bool HasTrainingAccuracy => false;

    /// <summary>
    /// MSE, or Huber: with e = |prediction - target| and q = min(e, delta), 0.5 q^2 + delta (e - q), which is 0.5 e^2
    /// below delta and delta (e - 0.5 delta) above (PyTorch's HuberLoss); mean over samples and targets.
    /// </summary>
    public override Tensor Loss(Tensor outputs, Tensor labels)
    {
        if (LossKind == RegressionLoss.Mse) return nn.functional.mse_loss(outputs, labels);
        Tensor error = (outputs - labels).abs();
        using Scalar delta = HuberDelta.ToScalar();
        Tensor quadratic = error.clamp_max(delta);
        return quadratic.pow(Held(2)).mul(Held(0.5)).add((error - quadratic).mul(delta), One).mean();
    }

    /// <summary>The predicted value, summed over targets: what the output depends on each modality for.</summary>
    public override Tensor AttributedValue(Tensor outputs, Tensor labels) => outputs.sum(1);

    /// <inheritdoc />
    public override Tensor PredictedValue(Tensor outputs) => outputs.sum(1);

    /// <inheritdoc />
    public override Tensor Readout(Tensor outputs) => outputs;

    /// <summary>Regression has no exact hits: 0.</summary>
    public override long Correct(Tensor outputs, Tensor labels) => 0;
}
