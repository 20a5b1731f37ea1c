using Equimodal.Attribution;
using Equimodal.Tasks;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// What attr-reg attributes for a sample: the top-scoring or the true class, as its logit or its log-probability; and,
/// for the drop shares, the true class's log-probability. The one place that selects a class from the model's output.
/// </summary>
/// <param name="TrueClass">True: the labelled class; false: the top-scoring one.</param>
/// <param name="LogProbability">True: the class's log-softmax (ignores what a modality adds to every class alike); false: its logit.</param>
public sealed record AttributedOutput(bool TrueClass, bool LogProbability)
{
    /// <summary>The attributed class of each sample of a batch labelled <paramref name="labels"/>.</summary>
    public AttributionTarget Target(Tensor labels) => TrueClass ? AttributionTarget.Classes(labels) : AttributionTarget.MaxLogit;

    /// <summary>The attributed quantity as a function of the logits; null for the logits themselves.</summary>
    public Func<Tensor, Tensor>? OfLogits => LogProbability ? logits => logits.log_softmax(1) : null;

    /// <summary>
    /// For a multi-label or regression task, the attributed number of each sample [batch, 1] as a function of the
    /// outputs: with <see cref="TrueClass"/>, the task's <see cref="PredictionTask.AttributedValue"/> (multi-label: the
    /// true labels' logits summed), else its <see cref="PredictionTask.PredictedValue"/> (the predicted labels' logits
    /// summed); for regression both are the predicted value summed over targets.
    /// </summary>
    public Func<Tensor, Tensor> OfTaskOutput(PredictionTask task, Tensor labels) =>
        TrueClass ? outputs => task.AttributedValue(outputs, labels).unsqueeze(1) : outputs => task.PredictedValue(outputs).unsqueeze(1);

    /// <summary>The log-probability [batch] of each sample's labelled class under <paramref name="logits"/> [batch, classes].</summary>
    public static Tensor TrueClassLogProbability(Tensor logits, Tensor labels) =>
        logits.log_softmax(1).gather(1, labels.to_type(ScalarType.Int64).unsqueeze(1)).squeeze(1);
}
