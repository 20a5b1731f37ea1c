using static TorchSharp.torch;

namespace Equimodal.Tasks;

/// <summary>Single-label classification: softmax over the classes, cross-entropy, accuracy; attribution explains the true class's logit.</summary>
public sealed class ClassificationTask : PredictionTask
{
    /// <summary>Creates the task over <paramref name="classNames"/>.</summary>
    public ClassificationTask(IReadOnlyList<string> classNames)
        : base(classNames)
    {
        if (classNames.Count < 2) throw new ArgumentException($"Classification needs at least two classes, got {classNames.Count} ({string.Join(", ", classNames)}).");
    }

    /// <inheritdoc />
    public override TaskKind Kind => TaskKind.Classification;

    /// <inheritdoc />
    public override TaskMetric MainMetric { get; } = new("accuracy", true);

    /// <inheritdoc />
    public override Tensor Loss(Tensor outputs, Tensor labels) => nn.functional.cross_entropy(outputs, labels);

    /// <inheritdoc />
    public override Tensor AttributedValue(Tensor outputs, Tensor labels) =>
        outputs.gather(1, labels.to_type(ScalarType.Int64).unsqueeze(1)).squeeze(1);

    /// <summary>The largest logit: that of the predicted class.</summary>
    public override Tensor PredictedValue(Tensor outputs) => outputs.max(1).values;

    /// <inheritdoc />
    public override Tensor Readout(Tensor outputs) => outputs.softmax(1);

    /// <inheritdoc />
    public override long Correct(Tensor outputs, Tensor labels) => outputs.argmax(1).eq(labels).sum().item<long>();
}
