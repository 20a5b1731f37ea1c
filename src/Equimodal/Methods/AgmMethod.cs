using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Adaptive Gradient Modulation (Li et al., "Boosting Multi-modal Model Performance with Adaptive Gradient Modulation",
/// ICCV 2023). Each step the fused logits are split into one response per modality by the exact Shapley decomposition
/// over coalitions of modalities (absent modalities' embeddings zeroed at the fusion input), and each response's mean
/// cross-entropy s_m is taken. With r(s)_m = exp(mean_{j != m} s_j - s_m) (for two modalities exp(s_v - s_a), as published),
/// the coefficient k_m = exp(alpha * min(r(s_bar)_m - r(s)_m, 10)) compares the batch with s_bar, the running average
/// of s over all earlier steps (a cumulative mean, as published); k_m scales encoder m's gradients, so a modality whose
/// loss lags behind its usual standing is sped up and one that runs ahead is slowed down.
/// </summary>
[Method("agm", "AGM (ICCV 2023): Shapley responses per modality; exp(alpha * ratio gap) scales each encoder's gradients.")]
public sealed class AgmMethod : TrainingMethod
{
    // Published cap on the ratio gap, so exp cannot overflow.
    private const double GapCap = 10;

    // Published floor on the probability of the true class in the response loss.
    private const double ProbabilityFloor = 1e-8;

    private Parameter[][] _encoderParameters = Array.Empty<Parameter[]>();
    private double[] _averages = Array.Empty<double>();
    private long _averagedSteps;
    private EpochMeans? _epochMeans;

    /// <summary>Creates the method; option "alpha" is the modulation strength (1.5, the authors' CREMA-D setting).</summary>
    public AgmMethod(MethodSettings settings)
    {
        Alpha = settings.Number("alpha", 1.5, 0, 100, "strength of the exponential gradient modulation");
    }


    /// <summary>Strength of the modulation.</summary>
    public double Alpha { get; }

    /// <summary>Coefficients of the last step, one per modality.</summary>
    public IReadOnlyList<double> LastCoefficients { get; private set; } = Array.Empty<double>();

    /// <summary>Response losses of the last step, one per modality.</summary>
    public IReadOnlyList<double> LastResponseLosses { get; private set; } = Array.Empty<double>();

    /// <summary>Running average of every modality's response loss over the steps so far.</summary>
    public IReadOnlyList<double> AverageResponseLosses => _averages;

    /// <summary>
    /// Shapley decomposition of <paramref name="fuse"/> over the modalities (<see cref="ModalityCoalitions.Shapley(IReadOnlyList{Tensor})"/>),
    /// f(S) being the head with the modalities outside S absent (<see cref="MissingModality"/>). The responses sum to f(all) - f(none).
    /// </summary>
    public static Tensor[] ShapleyResponses(Func<IReadOnlyList<Tensor>, Tensor> fuse, IReadOnlyList<Tensor> embeddings)
    {
        using var scope = NewDisposeScope();
        Tensor[] values = Enumerable.Range(0, ModalityCoalitions.Count(embeddings.Count)).Select(c => fuse(MissingModality.Keep(embeddings, c))).ToArray();
        return ModalityCoalitions.Shapley(values).Select(r => r.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>r_m = exp(mean_{j != m} s_j - s_m): above 1 when modality m's loss is below the others'.</summary>
    public static double[] Ratios(IReadOnlyList<double> losses)
    {
        if (losses.Count < 2) return losses.Select(_ => 1.0).ToArray();
        double total = losses.Sum();
        return losses.Select(s => Math.Exp((total - s) / (losses.Count - 1) - s)).ToArray();
    }

    /// <summary>k_m = exp(alpha * min(r(averages)_m - r(losses)_m, 10)).</summary>
    public static double[] Coefficients(IReadOnlyList<double> losses, IReadOnlyList<double> averages, double alpha)
    {
        double[] current = Ratios(losses), usual = Ratios(averages);
        return current.Select((r, m) => Math.Exp(alpha * Math.Min(usual[m] - r, GapCap))).ToArray();
    }

    /// <summary>Exact: the response losses are means over the global batch (<see cref="MethodContext.Mean"/>).</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        int modalities = context.Model.ModalityNames.Count;
        ModalityCoalitions.Count(modalities);
        _encoderParameters = Enumerable.Range(0, modalities).Select(m => context.Model.EncoderParameters(m).ToArray()).ToArray();
        _averages = new double[modalities];
        _averagedSteps = 0;
        _epochMeans = EpochMeans.PerModality("agm", new[] { "k", "loss" }, context.Model.ModalityNames);
        LastCoefficients = Enumerable.Repeat(1.0, modalities).ToArray();
    }

    /// <inheritdoc />
    public override void OnEpochStart(int epoch) => _epochMeans?.Reset();

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Models.ModelOutput output = Context.Model.Forward(batch.Inputs);
        double[] losses;
        using (no_grad())
        {
            using var scope = NewDisposeScope();
            Tensor[] detached = output.Embeddings.Select(e => e.detach()).ToArray();
            losses = Context.Mean(stack(ShapleyResponses(Context.Model.Fuse, detached).Select(r => ResponseLoss(r, batch.Labels)).ToArray()));
        }
        double[] coefficients = Coefficients(losses, _averages, Alpha);
        // The average is updated after the coefficients, so a step is compared with the steps before it.
        _averagedSteps++;
        for (int m = 0; m < losses.Length; m++) _averages[m] += (losses[m] - _averages[m]) / _averagedSteps;
        _epochMeans?.Add(coefficients, losses);
        LastCoefficients = coefficients;
        LastResponseLosses = losses;
        return new StepOutput(nn.functional.cross_entropy(output.Logits, batch.Labels), output.Logits);
    }

    /// <inheritdoc />
    public override void AdjustGradients(StepInfo step)
    {
        using var noGrad = no_grad();
        for (int m = 0; m < _encoderParameters.Length; m++)
        {
            using Scalar coefficient = LastCoefficients[m].ToScalar();
            foreach (Parameter parameter in _encoderParameters[m]) parameter.grad?.mul_(coefficient);
        }
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        state["agm.average"] = tensor(_averages, dtype: float64);
        state["agm.steps"] = tensor(new[] { _averagedSteps }, dtype: int64);
        _epochMeans?.SaveState(state);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("agm.average", out Tensor? average) || !state.TryGetValue("agm.steps", out Tensor? steps))
            throw new InvalidOperationException("agm: the checkpoint has no running average (agm.average, agm.steps).");
        if (average.numel() != _averages.Length)
            throw new InvalidOperationException($"agm: the checkpoint's running average has {average.numel()} modalities, the model {_averages.Length}.");
        _averages = average.to_type(float64).data<double>().ToArray();
        _averagedSteps = steps.to_type(int64).item<long>();
        _epochMeans?.LoadState(state);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() => _epochMeans?.Metrics() ?? new Dictionary<string, double>();

    /// <summary>Mean over the batch of -log(max(softmax(response)[y], 1e-8)).</summary>
    public static Tensor ResponseLoss(Tensor response, Tensor labels)
    {
        Tensor probability = nn.functional.softmax(response, 1).gather(1, labels.unsqueeze(1)).clamp_min(Held(ProbabilityFloor));
        return -probability.log().mean();
    }

}
