using Equimodal.Data;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// On-the-fly Gradient Modulation (OGM) and its Generalization Enhancement variant (OGM-GE), Peng et al., CVPR 2022.
/// Each step, every modality's confidence s_m = sum over the batch of softmax(z_m)[y] is taken from its own logits z_m
/// (the exact concat slice), its ratio to the others rho_m = s_m / mean_{j != m} s_j is formed, and the gradients of the
/// dominant modality's encoder (rho_m &gt; 1) are scaled by k_m = 1 - tanh(alpha * rho_m); the others keep k = 1. OGM-GE
/// then adds N(0, std(g)) noise to every modulated tensor, g being the unmodulated gradient: as in the published code,
/// every encoder's tensors get the noise inside the modulation window, the weaker modality's with k = 1.
/// </summary>
[Method("ogm-ge", "OGM-GE (CVPR 2022): slows the dominant encoder's gradients by 1 - tanh(alpha * rho) and adds Gaussian noise.")]
[Method("ogm", "OGM (CVPR 2022) without the noise: slows the dominant encoder's gradients by 1 - tanh(alpha * rho).", Presets = new[] { "noise=off" })]
public sealed class OgmGeMethod : TrainingMethod
{
    /// <summary>Value of option "coefficient" for the published k = 1 - tanh(alpha * rho), which jumps at rho = 1.</summary>
    public const string PublishedCoefficient = "published";

    /// <summary>Value of option "coefficient" for the continuous k = 1 - tanh(alpha * (rho - 1)).</summary>
    public const string ContinuousCoefficient = "continuous";

    /// <summary>Value of option "parameters" that modulates only convolution weights (4-D tensors), as published.</summary>
    public const string ConvolutionParameters = "conv-only";

    /// <summary>Value of option "parameters" that modulates every encoder parameter (needed for encoders without convolutions).</summary>
    public const string AllParameters = "all";

    // Added to the noise std as in the published code, so a zero gradient does not give a zero-std normal.
    private const double NoiseFloor = 1e-8;

    private readonly int _start;
    private readonly int _end;
    private readonly bool _continuous;
    private readonly bool _convolutionsOnly;
    private Parameter[][] _modulated = Array.Empty<Parameter[]>();
    private double[] _coefficients = Array.Empty<double>();
    private double[] _ratios = Array.Empty<double>();
    private EpochMeans? _epochMeans;
    private int _modulationEnd;

    /// <summary>Creates "ogm-ge" (noise=on) or "ogm" (its preset noise=off).</summary>
    public OgmGeMethod(MethodSettings settings)
    {
        Alpha = settings.Number("alpha", 0.8, 0, 100, "modulation strength in k = 1 - tanh(alpha * rho)");
        _start = settings.Integer("start", 0, 0, int.MaxValue, "first epoch with modulation");
        _end = settings.Integer("end", -1, -1, int.MaxValue, "epoch where modulation stops (-1: half of the epochs)");
        _continuous = settings.Choice("coefficient", PublishedCoefficient, new[] { PublishedCoefficient, ContinuousCoefficient },
            "published: 1 - tanh(alpha * rho); continuous: 1 - tanh(alpha * (rho - 1))") == ContinuousCoefficient;
        _convolutionsOnly = settings.Choice("parameters", ConvolutionParameters, new[] { ConvolutionParameters, AllParameters },
            "which encoder tensors are modulated") == ConvolutionParameters;
        AddsNoise = settings.Choice("noise", "on", new[] { "on", "off" }, "Gaussian noise of the gradient's std on modulated tensors (OGM-GE)") == "on";
        if (_end >= 0 && _end <= _start) throw new ArgumentException($"Method option end={_end} must be greater than start={_start} (or -1 for half of the epochs).");
    }


    /// <summary>Strength of the modulation.</summary>
    public double Alpha { get; }

    /// <summary>Whether Gaussian noise is added (OGM-GE).</summary>
    public bool AddsNoise { get; }

    /// <summary>First epoch (zero-based, inclusive) with modulation.</summary>
    public int ModulationStart => _start;

    /// <summary>Epoch (zero-based, exclusive) where modulation stops: option "end", by default half of the epochs.</summary>
    public int ModulationEnd => _modulationEnd;

    /// <summary>Coefficients of the last step, one per modality (1 when not modulated).</summary>
    public IReadOnlyList<double> LastCoefficients => _coefficients;

    /// <summary>Each modality's confidence relative to the mean of the others: rho_m = s_m / mean_{j != m} s_j.</summary>
    public static double[] Ratios(IReadOnlyList<double> scores)
    {
        if (scores.Count < 2) return scores.Select(_ => 1.0).ToArray();
        double total = scores.Sum();
        return scores.Select(s => s / ((total - s) / (scores.Count - 1))).ToArray();
    }

    /// <summary>k = 1 - tanh(alpha * rho) (or alpha * (rho - 1) when <paramref name="continuous"/>) for rho &gt; 1, otherwise 1.</summary>
    public static double Coefficient(double ratio, double alpha, bool continuous) =>
        ratio > 1 ? 1 - Math.Tanh(alpha * (continuous ? ratio - 1 : ratio)) : 1;

    /// <summary>Exact: the confidences are sums over the global batch (<see cref="MethodContext.Sum"/>); the noise is drawn alike on every rank from averaged gradients.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        int modalities = context.Model.ModalityNames.Count;
        _modulationEnd = _end >= 0 ? _end : context.Options.Epochs / 2;
        _modulated = Enumerable.Range(0, modalities)
            .Select(m => context.Model.EncoderParameters(m).Where(p => !_convolutionsOnly || p.dim() == 4).ToArray())
            .ToArray();
        _coefficients = Enumerable.Repeat(1.0, modalities).ToArray();
        _ratios = Enumerable.Repeat(1.0, modalities).ToArray();
        _epochMeans = EpochMeans.PerModality("ogm", new[] { "k", "rho" }, context.Model.ModalityNames);
    }

    /// <inheritdoc />
    public override void OnEpochStart(int epoch) => _epochMeans?.Reset();

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Models.ModelOutput output = Context.Model.Forward(batch.Inputs);
        using (no_grad())
        {
            using var scope = NewDisposeScope();
            Tensor scores = stack(output.ModalityLogits.Select(z => TrueClass.Probability(z, batch.Labels).sum()).ToArray());
            _ratios = Ratios(Context.Sum(scores));
        }
        bool active = step.Epoch >= _start && step.Epoch < _modulationEnd;
        _coefficients = _ratios.Select(r => active ? Coefficient(r, Alpha, _continuous) : 1.0).ToArray();
        _epochMeans?.Add(_coefficients, _ratios);
        return new StepOutput(nn.functional.cross_entropy(output.Logits, batch.Labels), output.Logits);
    }

    /// <inheritdoc />
    public override void AdjustGradients(StepInfo step)
    {
        if (step.Epoch < _start || step.Epoch >= _modulationEnd) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int m = 0; m < _modulated.Length; m++)
        {
            using Scalar coefficient = _coefficients[m].ToScalar();
            foreach (Parameter parameter in _modulated[m])
            {
                Tensor? grad = parameter.grad;
                if (grad is null) continue;
                if (AddsNoise)
                {
                    using Scalar std = (grad.std().item<float>() + NoiseFloor).ToScalar();
                    grad.mul_(coefficient).add_(randn_like(grad).mul_(std), One);
                }
                else
                {
                    grad.mul_(coefficient);
                }
            }
        }
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() => _epochMeans?.Metrics() ?? new Dictionary<string, double>();

    /// <summary>Only the epoch means: the noise comes from torch's generator, which the trainer saves.</summary>
    public override void SaveState(IDictionary<string, Tensor> state) => _epochMeans?.SaveState(state);

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state) => _epochMeans?.LoadState(state);
}
