using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Gradient Blending (G-Blend), Wang, Tran &amp; Feiszli, "What Makes Training Multi-modal Classification Networks Hard?",
/// CVPR 2020, online variant. A stratified part of the TRAINING split is held out (never trained on, never validation or
/// test data). At the start and after every super-epoch of <c>every</c> epochs, each head k (every modality's own
/// logits and the fused logits) is measured on the trained part (L_T) and the held-out part (L_V); between two points n
/// and n + Δn the generalization gain is G_k = L_V(n) - L_V(n + Δn) and the overfitting change is
/// O_k = (L_V - L_T)(n + Δn) - (L_V - L_T)(n). The weights are w_k ∝ G_k / O_k², normalised to sum 1, and training
/// minimises Σ_k w_k CE_k. Until the first super-epoch ends the heads share the weight equally.
/// Edge cases: a head whose held-out loss did not fall (G_k ≤ 0, or not finite) gets weight 0, since the formula
/// assumes a gain; |O_k| is floored at <c>overfit-floor</c> so a head that did not overfit at all gets a large but finite
/// weight; when no head gained, the previous weights are kept.
/// </summary>
[Method("gblend", "Gradient Blending (CVPR 2020): weights unimodal and fused losses by generalization gain / overfitting² on held-out train data.")]
public sealed class GradientBlendingMethod : TrainingMethod
{
    /// <summary>Name of the fused head in metrics.</summary>
    public const string FusedHead = "fused";

    private const string WeightsKey = "gblend.weights";
    private const string PreviousKey = "gblend.previous";

    private DatasetSubset? _trained;
    private DatasetSubset? _heldOut;
    private double[] _weights = Array.Empty<double>();
    private HeadLosses? _previous;

    /// <summary>Creates the method; options every (super-epoch, default 10), heldout (fraction, default 0.1), overfit-floor (default 1e-3).</summary>
    public GradientBlendingMethod(MethodSettings settings)
    {
        Every = settings.Integer("every", 10, 1, int.MaxValue, "epochs between weight estimates");
        HeldOutFraction = settings.Number("heldout", 0.1, 0.01, 0.5, "fraction of the training split held out to measure overfitting");
        OverfitFloor = settings.Number("overfit-floor", 1e-3, 1e-9, 1, "smallest overfitting used in gain / overfitting^2");
    }


    /// <summary>Exact: a weighted sum of cross-entropies; every rank measures the heads on the same full train and held-out parts.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;

    /// <summary>Epochs per super-epoch: the weights are re-estimated after every this many epochs.</summary>
    public int Every { get; }

    /// <summary>Fraction of each class of the training split that is held out for the estimate.</summary>
    public double HeldOutFraction { get; }

    /// <summary>Smallest |O_k| used in G_k / O_k² (losses measured in float32 are noisy below it).</summary>
    public double OverfitFloor { get; }

    /// <summary>Current weight of each head: the modalities in model order, then the fused head.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Wall-clock seconds spent measuring the heads in this process (outside the trainer's step timing).</summary>
    public double EstimateSeconds { get; private set; }

    /// <summary>The held-out part of the training split (available after <see cref="Setup"/>).</summary>
    public DatasetSubset HeldOut => _heldOut ?? throw new InvalidOperationException("gblend was used before Setup.");

    /// <summary>
    /// Blending weights from two estimation points: w_k ∝ G_k / max(O_k², floor²) for heads with G_k &gt; 0, zero for
    /// the others, normalised to sum 1; <paramref name="previous"/> when no head gained.
    /// </summary>
    public static double[] BlendWeights(HeadLosses before, HeadLosses after, double overfitFloor, IReadOnlyList<double> previous)
    {
        int heads = before.Train.Count;
        var raw = new double[heads];
        for (int k = 0; k < heads; k++)
        {
            double gain = before.HeldOut[k] - after.HeldOut[k];
            double overfit = (after.HeldOut[k] - after.Train[k]) - (before.HeldOut[k] - before.Train[k]);
            raw[k] = gain > 0 && double.IsFinite(overfit) ? gain / Math.Max(overfit * overfit, overfitFloor * overfitFloor) : 0;
        }
        double total = raw.Sum();
        return total > 0 && double.IsFinite(total) ? raw.Select(r => r / total).ToArray() : previous.ToArray();
    }

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        (_trained, _heldOut) = DatasetSubset.StratifiedSplit(context.Splits.Train, HeldOutFraction, SeedStreams.BlendingHoldOut(context.Options.Seed));
        int heads = context.Model.ModalityNames.Count + 1;
        _weights = Enumerable.Repeat(1.0 / heads, heads).ToArray();
        _previous = null;
        if (Every >= context.Options.Epochs)
            context.Warn($"gblend: every={Every} is not below the run's {context.Options.Epochs} epochs, so the blending weights are never estimated " +
                $"and every head keeps weight 1/{heads}; set --method-option gblend:every=N with N < {context.Options.Epochs}.");
    }

    /// <summary>The training split without the held-out samples (the split made in <see cref="Setup"/>).</summary>
    public override IMultimodalDataset TrainingSet(DatasetSplits splits) =>
        _trained ?? throw new InvalidOperationException("gblend was used before Setup.");

    /// <summary>Measures the first estimation point before training, unless the run is too short for any estimate.</summary>
    public override void OnEpochStart(int epoch)
    {
        if (Every < Context.Options.Epochs) _previous ??= MeasureHeads();
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        ModelOutput output = Context.Model.Forward(batch.Inputs);
        int fused = output.ModalityLogits.Count;
        using Scalar fusedWeight = _weights[fused].ToScalar();
        Tensor loss = nn.functional.cross_entropy(output.Logits, batch.Labels) * fusedWeight;
        for (int m = 0; m < fused; m++)
        {
            using Scalar modalityWeight = _weights[m].ToScalar();
            loss = loss.add(nn.functional.cross_entropy(output.ModalityLogits[m], batch.Labels) * modalityWeight, One);
        }
        return new StepOutput(loss, output.Logits);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(EpochEnd epoch)
    {
        // An estimate after the last epoch would never be used.
        bool superEpochEnded = (epoch.Epoch + 1) % Every == 0 && epoch.Epoch + 1 < Context.Options.Epochs;
        if (!superEpochEnded || _previous is null) return;
        HeadLosses now = MeasureHeads();
        _weights = BlendWeights(_previous, now, OverfitFloor, _weights);
        _previous = now;
    }

    /// <summary>Each head's loss on the trained and held-out parts, in eval mode (the model's mode is restored).</summary>
    public HeadLosses MeasureHeads()
    {
        var clock = Stopwatch.StartNew();
        double[] Losses(IMultimodalDataset data)
        {
            Evaluator.Scores scores = Evaluator.Collect(Context.Model, data, Context.Options.BatchSize, Context.Device);
            return scores.PerModality.Append(scores.Fused).Select(logits => Evaluator.CrossEntropy(logits, scores.Labels)).ToArray();
        }
        var losses = new HeadLosses(Losses(_trained!), Losses(HeldOut));
        EstimateSeconds += clock.Elapsed.TotalSeconds;
        return losses;
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        state[WeightsKey] = tensor(_weights);
        if (_previous is not null) state[PreviousKey] = tensor(_previous.Train.Concat(_previous.HeldOut).ToArray());
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.TryGetValue(WeightsKey, out Tensor? weights)) _weights = weights.data<double>().ToArray();
        if (state.TryGetValue(PreviousKey, out Tensor? previous))
        {
            double[] values = previous.data<double>().ToArray();
            int heads = values.Length / 2;
            _previous = new HeadLosses(values[..heads], values[heads..]);
        }
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics()
    {
        var metrics = Context.Model.ModalityNames.Append(FusedHead).Select((head, k) => (head, k)).ToDictionary(x => $"gblend.w.{x.head}", x => _weights[x.k]);
        metrics["gblend.estimate-seconds"] = EstimateSeconds;
        return metrics;
    }
}
