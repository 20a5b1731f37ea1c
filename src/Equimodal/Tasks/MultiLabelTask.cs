using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Tasks;

/// <summary>
/// Multi-label classification: one logit per label, a sigmoid each, binary cross-entropy averaged over samples and
/// labels, mAP (macro) as the main metric; attribution explains the sum of the positive labels' logits.
/// </summary>
public sealed class MultiLabelTask : PredictionTask
{
    /// <summary>Creates the task over <paramref name="labelNames"/>.</summary>
    public MultiLabelTask(IReadOnlyList<string> labelNames)
        : base(labelNames)
    {
    }

    /// <inheritdoc />
    public override TaskKind Kind => TaskKind.MultiLabel;

    /// <inheritdoc />
    public override TaskMetric MainMetric { get; } = new("mAP", true);

    /// <summary>Binary cross-entropy with logits, mean over samples and labels (PyTorch's BCEWithLogitsLoss).</summary>
    public override Tensor Loss(Tensor outputs, Tensor labels) => nn.functional.binary_cross_entropy_with_logits(outputs, labels);

    /// <summary>
    /// The sum of the logits of the labels the sample has: the evidence for its true label set, as the true-class logit
    /// is for one class (0, a constant, for a sample without labels: no attribution, so L2-pooled shares are equal and a uniform target does not push it).
    /// </summary>
    public override Tensor AttributedValue(Tensor outputs, Tensor labels) => outputs.mul(labels.to_type(outputs.dtype)).sum(1);

    /// <summary>The sum of the logits of the labels predicted present (probability above 0.5, i.e. a positive logit).</summary>
    public override Tensor PredictedValue(Tensor outputs) => outputs.mul(outputs.detach().gt(Held(0)).to_type(outputs.dtype)).sum(1);

    /// <inheritdoc />
    public override Tensor Readout(Tensor outputs) => outputs.sigmoid();

    /// <summary>Samples whose whole label set is predicted at probability 0.5 (subset accuracy's numerator).</summary>
    public override long Correct(Tensor outputs, Tensor labels) =>
        outputs.gt(Held(0)).eq(labels.gt(Held(0.5))).all(1).sum().item<long>();
}
