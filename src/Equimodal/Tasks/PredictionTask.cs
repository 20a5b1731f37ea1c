using static TorchSharp.torch;

namespace Equimodal.Tasks;

/// <summary>
/// What the model predicts and how it learns it: the output size, the loss, the per-sample quantity that attribution
/// explains, the main metric and how outputs become predictions. Methods, the trainer and the evaluator ask the task
/// instead of calling cross-entropy or argmax themselves. Labels in a batch: classification int64 [batch] class
/// indices; multi-label float32 [batch, labels] multi-hot; regression float32 [batch, targets].
/// </summary>
public abstract class PredictionTask
{
    /// <summary>Creates a task over <paramref name="outputNames"/>: classes, labels or targets, one per model output.</summary>
    protected PredictionTask(IReadOnlyList<string> outputNames)
    {
        if (outputNames.Count == 0) throw new ArgumentException("A task needs at least one output (class, label or target).");
        OutputNames = outputNames;
    }

    /// <summary>Which task this is.</summary>
    public abstract TaskKind Kind { get; }

    /// <summary>Class, label or target names, one per model output, in output order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Number of model outputs (the width of the fusion head and of each modality's own head).</summary>
    public int OutputSize => OutputNames.Count;

    /// <summary>The metric model selection, Shapley values and failure gaps use.</summary>
    public abstract TaskMetric MainMetric { get; }

    /// <summary>Whether a training batch has an accuracy (the share of samples predicted exactly); regression has none.</summary>
    public virtual bool HasTrainingAccuracy => true;

    /// <summary>Mean loss of <paramref name="outputs"/> [batch, outputs] against <paramref name="labels"/>.</summary>
    public abstract Tensor Loss(Tensor outputs, Tensor labels);

    /// <summary>
    /// The value attribution regularization explains per sample [batch], a differentiable function of the outputs
    /// (see docs/tasks.md): the true class's logit, the sum of the positive labels' logits, or the sum of the predicted values.
    /// </summary>
    public abstract Tensor AttributedValue(Tensor outputs, Tensor labels);

    /// <summary>The value evaluation and prediction explain per sample [batch], without labels: what the model predicts.</summary>
    public abstract Tensor PredictedValue(Tensor outputs);

    /// <summary>What a user reads per output [batch, outputs]: class probabilities, label probabilities or the predicted values.</summary>
    public abstract Tensor Readout(Tensor outputs);

    /// <summary>Samples of the batch predicted exactly (the class, or the whole label set at probability 0.5); 0 for regression.</summary>
    public abstract long Correct(Tensor outputs, Tensor labels);

    /// <summary>The task <paramref name="kind"/> over <paramref name="outputNames"/>, a regression one trained as <paramref name="options"/> says.</summary>
    public static PredictionTask Create(TaskKind kind, IReadOnlyList<string> outputNames, TaskOptions? options = null) => kind switch
    {
        TaskKind.Classification => new ClassificationTask(outputNames),
        TaskKind.MultiLabel => new MultiLabelTask(outputNames),
        TaskKind.Regression => new RegressionTask(outputNames, options?.RegressionLoss ?? RegressionLoss.Mse, options?.HuberDelta ?? 1.0, options?.ScoreRange),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task."),
    };

    /// <summary>The command-line name of <paramref name="kind"/>: classification, multilabel or regression.</summary>
    public static string NameOf(TaskKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Reads a command-line task name; an unknown one is an error listing the valid names.</summary>
    public static TaskKind Parse(string name)
    {
        foreach (TaskKind kind in Enum.GetValues<TaskKind>())
            if (NameOf(kind) == name.Trim().ToLowerInvariant()) return kind;
        throw new ArgumentException($"Unknown task '{name}'. Valid tasks: {string.Join(", ", Enum.GetValues<TaskKind>().Select(NameOf))}.");
    }
}
