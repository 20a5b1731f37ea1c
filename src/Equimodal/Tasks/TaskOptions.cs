using System.Text.Json.Serialization;

namespace Equimodal.Tasks;

/// <summary>The task a user asks for and how a regression task trains.</summary>
public sealed record TaskOptions
{
    /// <summary>The task to train; null: the one the dataset's labels say (a manifest's <c>label</c>, <c>labels</c> or <c>target</c> columns).</summary>
    public TaskKind? Kind { get; init; }

    /// <summary>Loss of a regression task (default: MSE).</summary>
    public RegressionLoss RegressionLoss { get; init; } = RegressionLoss.Mse;

    /// <summary>Threshold of the Huber loss, in target units (default 1).</summary>
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>
    /// Regression only: the range of a sentiment-like score, which adds its binary and class accuracies to the metrics
    /// (null: none; absent from config.json, so runs without it keep their files).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScoreRange? ScoreRange { get; init; }

    /// <summary>Throws with the first setting out of range.</summary>
    public void Validate()
    {
        ScoreRange?.Validate();
        if (!(HuberDelta > 0 && double.IsFinite(HuberDelta)))
            throw new ArgumentException($"The Huber threshold must be a positive number, got {HuberDelta}.");
    }
}
