using TorchSharp;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Greedy, "Characterizing and Overcoming the Greedy Nature of Learning in Multi-modal Deep Neural Networks" (Wu,
/// Jastrzebski, Cho and Geras, ICML 2022). The model trains the <see cref="MmtmFusion"/> head: cross-modal gates between
/// the modalities. From the start of training, per modality m, the sums over steps of ||grad||^2 / ||w||^2 are kept over its
/// gate layer (the cross-modal "bypass" path) and over its encoder (the unimodal "main" path); the conditional
/// utilisation rate BDR_m = log10(bypass_m / main_m) and the speed difference d = BDR_0 - BDR_1. When |d| &gt; alpha
/// (0.001) and no window is open, a re-balancing window of 5 steps opens in which the favoured modality's gates (modality
/// 0 when d &gt; 0, else 1: the one whose prediction leans on the cross-modal path) are replaced by their running average
/// over the normal steps, held constant, so the model must learn through that modality's own path. Loss: plain CE.
/// Differences from the publication: one MMTM block on the encoders' outputs instead of one after every ResNet stage, and
/// the running average is kept over normal steps (BalanceMM's trainer/Greedy_trainer.py hard-codes batch 64 in MMTM and
/// reads a running average it has just reset). Two modalities, as published.
/// </summary>
[Method("greedy", "Greedy (ICML 2022): cross-modal gates; when the modalities' conditional learning speeds diverge, re-balancing windows fix the favoured one's gates.",
    MinModalities = 2, MaxModalities = 2, Fusion = "mmtm")]
public sealed class GreedyMethod : TrainingMethod
{
    private readonly double[] _bypass = new double[2];
    private readonly double[] _main = new double[2];
    private Tensor[] _averageGates = Array.Empty<Tensor>();
    private long _averagedSteps;
    private int _windowLeft;
    private int _favoured = -1;
    private MmtmFusion? _head;
    private Parameter[][] _gateParameters = Array.Empty<Parameter[]>();
    private Parameter[][] _encoderParameters = Array.Empty<Parameter[]>();

    /// <summary>Creates the method.</summary>
    public GreedyMethod(MethodSettings settings)
    {
        Alpha = settings.Number("alpha", 0.001, 0, 100, "threshold on |BDR_0 - BDR_1| that opens a re-balancing window");
        Window = settings.Integer("window", 5, 1, int.MaxValue, "steps of a re-balancing window");
    }

    /// <summary>alpha.</summary>
    public double Alpha { get; }

    /// <summary>Steps per window.</summary>
    public int Window { get; }

    /// <summary>The modality whose gates the current window fixes, or -1 outside a window.</summary>
    public int Rebalancing => _windowLeft > 0 ? _favoured : -1;

    /// <summary>BDR_0 - BDR_1 from accumulated sums (0 while any sum is 0).</summary>
    public static double SpeedDifference(IReadOnlyList<double> bypass, IReadOnlyList<double> main)
    {
        if (bypass.Any(b => b <= 0) || main.Any(m => m <= 0)) return 0;
        return Math.Log10(bypass[0] / main[0]) - Math.Log10(bypass[1] / main[1]);
    }

    /// <summary>sum over tensors of ||grad||^2 / ||w||^2 (tensors without gradient or with zero weights skipped).</summary>
    public static double RelativeGradientEnergy(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double total = 0;
        foreach (Parameter p in parameters)
        {
            if (p.grad is null) continue;
            double weight = p.pow(Held(2)).sum().item<float>();
            if (weight > 0) total += p.grad.pow(Held(2)).sum().item<float>() / weight;
        }
        return total;
    }

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        _head = context.Model.Fusion as MmtmFusion
            ?? throw new InvalidOperationException($"greedy needs the mmtm fusion head, the model has {context.Model.Fusion.GetType().Name}.");
        _gateParameters = Enumerable.Range(0, 2).Select(m => _head.GateParameters(m).ToArray()).ToArray();
        _encoderParameters = Enumerable.Range(0, 2).Select(m => context.Model.EncoderParameters(m).ToArray()).ToArray();
        _averageGates = Enumerable.Range(0, 2).Select(m => zeros(context.Model.Fusion.EmbeddingSizes[m], device: context.Device)).ToArray();
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        int fixedModality = Rebalancing;
        if (fixedModality >= 0) _head!.ReplaceGates(fixedModality, _averageGates[fixedModality]);
        try
        {
            StepOutput output = base.ComputeLoss(batch, step);
            if (fixedModality < 0)
            {
                using var noGrad = no_grad();
                using Scalar kept = ((double)_averagedSteps / (_averagedSteps + 1)).ToScalar(), count = (_averagedSteps + 1).ToScalar();
                for (int m = 0; m < 2; m++) _averageGates[m].mul_(kept).add_(_head!.LastGates[m] / count, One);
                _averagedSteps++;
            }
            return output;
        }
        finally
        {
            if (fixedModality >= 0) _head!.ReplaceGates(fixedModality, null);
        }
    }

    /// <summary>The gates a re-balancing window holds constant get zero gradients, so a resumed run steps them as an uninterrupted one.</summary>
    public override bool FillsMissingGradients => true;

    /// <summary>Accumulates the paths' gradient energies and opens or advances a re-balancing window.</summary>
    public override void AdjustGradients(StepInfo step)
    {
        for (int m = 0; m < 2; m++)
        {
            _bypass[m] += RelativeGradientEnergy(_gateParameters[m]);
            _main[m] += RelativeGradientEnergy(_encoderParameters[m]);
        }
        if (_windowLeft > 0)
        {
            _windowLeft--;
            return;
        }
        double speed = SpeedDifference(_bypass, _main);
        if (Math.Abs(speed) > Alpha)
        {
            _favoured = speed > 0 ? 0 : 1;
            _windowLeft = Window;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() =>
        new Dictionary<string, double> { ["greedy.speed"] = SpeedDifference(_bypass, _main) };

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        state["greedy.sums"] = tensor(_bypass.Concat(_main).ToArray(), dtype: float64);
        state["greedy.window"] = tensor(new long[] { _averagedSteps, _windowLeft, _favoured });
        for (int m = 0; m < 2; m++) state[$"greedy.average.{m}"] = _averageGates[m];
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        double[] sums = state["greedy.sums"].data<double>().ToArray();
        Array.Copy(sums, 0, _bypass, 0, 2);
        Array.Copy(sums, 2, _main, 0, 2);
        long[] window = state["greedy.window"].data<long>().ToArray();
        (_averagedSteps, _windowLeft, _favoured) = (window[0], (int)window[1], (int)window[2]);
        for (int m = 0; m < 2; m++) _averageGates[m].copy_(state[$"greedy.average.{m}"]);
    }
}
