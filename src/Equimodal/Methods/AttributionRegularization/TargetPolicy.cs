using System.Globalization;
using Equimodal.Models;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// Where attr-reg's target shares come from (option target-shares): each policy is one small class. The base holds the
/// current targets (normalised to sum 1, uniform at the start) and saves them with the method's state.
/// </summary>
public abstract class TargetPolicy
{
    private const string TargetsKey = "attr-reg.targets";
    private double[] _targets = Array.Empty<double>();

    /// <summary>The policies, as values of the option target-shares.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "uniform", "ratios", "adaptive", "per-sample", "inverse-variance" };

    /// <summary>The current target share of each modality (normalised to sum 1).</summary>
    public IReadOnlyList<double> Targets => _targets;

    /// <summary>The policy <paramref name="name"/>; <paramref name="ratios"/> is the text of target-ratios (for "ratios" only).</summary>
    public static TargetPolicy Create(string name, string ratios) => name switch
    {
        "uniform" => new UniformTargets(),
        "ratios" => new GivenRatioTargets(ratios),
        "adaptive" => new AdaptiveTargets(),
        "per-sample" => new PerSampleTargets(),
        "inverse-variance" => new InverseVarianceTargets(),
        _ => throw new ArgumentException($"Unknown target-shares '{name}'. Valid values: {string.Join(", ", Names)}."),
    };

    /// <summary>Why data-parallel training would differ from one process under this policy; null when it would not.</summary>
    public virtual string? DataParallelProblem => null;

    /// <summary>Sets the targets for a model of <paramref name="modalities"/> before training (default: uniform).</summary>
    public virtual void Setup(IReadOnlyList<string> modalities) => Set(Normalise(Enumerable.Repeat(1.0, modalities.Count).ToArray()));

    /// <summary>Per-sample weights [batch] of the penalty (in <paramref name="dtype"/>), or null to weigh every sample alike.</summary>
    public virtual Tensor? SampleWeights(ModelOutput output, Tensor labels, ScalarType dtype) => null;

    /// <summary>Sees a training batch's output (after its loss is built).</summary>
    public virtual void Observe(ModelOutput output, Tensor labels)
    {
    }

    /// <summary>Called at the start of every epoch.</summary>
    public virtual void OnEpochStart()
    {
    }

    /// <summary>Called after validation at the end of every epoch; may move the targets.</summary>
    public virtual void OnEpochEnd(EpochEnd epoch, IReadOnlyList<string> modalities)
    {
    }

    /// <summary>Adds the policy's own epoch metrics (the targets are logged by the method).</summary>
    public virtual void AddMetrics(IDictionary<string, double> metrics)
    {
    }

    /// <summary>Saves the targets (and the policy's own state) with the method's state.</summary>
    public virtual void SaveState(IDictionary<string, Tensor> state) => state[TargetsKey] = tensor(_targets, ScalarType.Float64);

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    public virtual void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.TryGetValue(TargetsKey, out Tensor? targets)) _targets = targets.data<double>().ToArray();
    }

    /// <summary>Sets the targets to <paramref name="shares"/> (normalised by the caller).</summary>
    protected void Set(double[] shares) => _targets = shares;

    /// <summary><paramref name="values"/> over their sum.</summary>
    public static double[] Normalise(double[] values)
    {
        double sum = values.Sum();
        return values.Select(v => v / sum).ToArray();
    }

    /// <summary>Parses "2,1" into non-negative ratios with a positive sum.</summary>
    internal static double[] ParseRatios(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0)
                throw new ArgumentException($"Method option target-ratios={text} is invalid: expected non-negative numbers separated by commas, one per modality (e.g. target-ratios=2,1).");
        }
        if (values.Length == 0 || values.Sum() <= 0) throw new ArgumentException($"Method option target-ratios={text} is invalid: target-shares=ratios needs ratios with a positive sum (e.g. target-ratios=2,1).");
        return values;
    }
}
