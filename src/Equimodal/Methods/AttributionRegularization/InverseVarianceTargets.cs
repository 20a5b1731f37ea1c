using Equimodal.Models;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// target-shares=inverse-variance (Asymmetric Representation Learning, arXiv 2507.10203): dependence in inverse
/// proportion to each modality's prediction variance, here the epoch's mean squared error of its own predicted
/// distribution (Brier score); uniform until an epoch has been seen.
/// </summary>
public sealed class InverseVarianceTargets : TargetPolicy
{
    private EpochMeans? _errors;

    /// <inheritdoc />
    public override string? DataParallelProblem => "target-shares=inverse-variance estimates its targets from per-batch unimodal errors, which data-parallel training would take per rank.";

    /// <inheritdoc />
    public override void Setup(IReadOnlyList<string> modalities)
    {
        base.Setup(modalities);
        _errors = new EpochMeans("attr-reg.unimodal-error", modalities.Select(m => $"attr-reg.unimodal-error.{m}"));
    }

    /// <inheritdoc />
    public override void Observe(ModelOutput output, Tensor labels) => Errors.Add(UnimodalErrors(output.ModalityLogits, labels));

    /// <inheritdoc />
    public override void OnEpochStart() => Errors.Reset();

    /// <inheritdoc />
    public override void OnEpochEnd(EpochEnd epoch, IReadOnlyList<string> modalities)
    {
        if (Errors.Steps == 0) return;
        Dictionary<string, double> errors = Errors.Metrics();
        Set(FromErrors(Errors.Names.Select(n => errors[n]).ToArray()));
    }

    /// <inheritdoc />
    public override void AddMetrics(IDictionary<string, double> metrics)
    {
        foreach (var (name, value) in Errors.Metrics()) metrics[name] = value;
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        base.SaveState(state);
        Errors.SaveState(state);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        base.LoadState(state);
        Errors.LoadState(state);
    }

    /// <summary>Each modality's mean squared error of its own predicted distribution against the one-hot label (Brier score).</summary>
    public static double[] UnimodalErrors(IReadOnlyList<Tensor> modalityLogits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return modalityLogits.Select(z =>
        {
            Tensor oneHot = nn.functional.one_hot(labels.to_type(ScalarType.Int64), z.shape[1]).to_type(z.dtype);
            return (double)(z.detach().softmax(1) - oneHot).pow(Held(2)).sum(1).mean().item<float>();
        }).ToArray();
    }

    /// <summary>Targets r_m proportional to 1 / error_m (errors floored at 1e-6), normalised.</summary>
    public static double[] FromErrors(IReadOnlyList<double> errors) => Normalise(errors.Select(e => 1.0 / Math.Max(e, 1e-6)).ToArray());

    private EpochMeans Errors => _errors ?? throw new InvalidOperationException("inverse-variance targets were used before Setup.");
}
