using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>Which output is explained: a class per sample, the class the model predicts at the input, or the largest logit.</summary>
public sealed class AttributionTarget
{
    private readonly long[]? _classes;
    private readonly bool _predicted;

    private AttributionTarget(long[]? classes, bool predicted)
    {
        _classes = classes;
        _predicted = predicted;
    }

    /// <summary>The same class for every sample.</summary>
    public static AttributionTarget Class(int index) => new(new long[] { index }, false);

    /// <summary>One class per sample (e.g. the labels).</summary>
    public static AttributionTarget Classes(params long[] perSample) => new(perSample.ToArray(), false);

    /// <summary>One class per sample, from an int64 tensor of shape [batch].</summary>
    public static AttributionTarget Classes(Tensor perSample) => new(perSample.to_type(ScalarType.Int64).cpu().data<long>().ToArray(), false);

    /// <summary>The class the model predicts at the (un-interpolated) input, fixed for every evaluation of that sample.</summary>
    public static AttributionTarget PredictedClass { get; } = new(null, true);

    /// <summary>The largest logit wherever the function is evaluated (the class may change along an IG path).</summary>
    public static AttributionTarget MaxLogit { get; } = new(null, false);

    /// <summary>True when the target needs the logits at the input to be resolved.</summary>
    internal bool NeedsPrediction => _predicted;

    /// <summary>
    /// The class index per sample as an int64 tensor [batch], or null for <see cref="MaxLogit"/>.
    /// <paramref name="logitsAtInput"/> is needed only for <see cref="PredictedClass"/>.
    /// </summary>
    internal Tensor? Resolve(long batch, Tensor? logitsAtInput)
    {
        if (_predicted)
        {
            if (logitsAtInput is null) throw new InvalidOperationException("The predicted class needs the logits at the input.");
            return logitsAtInput.detach().argmax(1);
        }
        if (_classes is null) return null;
        if (_classes.Length != 1 && _classes.Length != batch)
            throw new ArgumentException($"The target gives {_classes.Length} classes for a batch of {batch} samples.");
        if (_classes.Any(c => c < 0)) throw new ArgumentException($"Target class {_classes.Min()} is negative.");
        long[] perSample = _classes.Length == batch ? _classes : Enumerable.Repeat(_classes[0], (int)batch).ToArray();
        return tensor(perSample, ScalarType.Int64);
    }

    /// <summary>The attributed value per row: the chosen logit or probability, or the largest one when <paramref name="classes"/> is null.</summary>
    internal static Tensor Select(Tensor logits, Tensor? classes, AttributionOutput output)
    {
        if (logits.dim() != 2) throw new ArgumentException($"The explained function must return logits [batch, classes], got [{string.Join(", ", logits.shape)}].");
        Tensor values = output == AttributionOutput.Probability ? logits.softmax(1) : logits;
        if (classes is null) return values.max(1).values;
        if (classes.shape[0] != logits.shape[0])
            throw new ArgumentException($"{classes.shape[0]} target classes for {logits.shape[0]} rows of logits.");
        long largest = classes.max().item<long>();
        if (largest >= logits.shape[1]) throw new ArgumentException($"Target class {largest} is outside 0..{logits.shape[1] - 1}.");
        return values.gather(1, classes.to(logits.device).unsqueeze(1)).squeeze(1);
    }
}
