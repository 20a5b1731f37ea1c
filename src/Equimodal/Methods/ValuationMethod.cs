using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Sample-level modality valuation (Wei, Feng, Wang and Hu, "Enhancing Multimodal Cooperation via Sample-level Modality
/// Valuation", CVPR 2024), as in the published code. At the end of every epoch each train sample (evaluation mode) gets
/// each modality's two-player Shapley contribution phi_m = ((v({m}) - v({})) + (v({a,v}) - v({other}))) / 2 with the value
/// v(S) = |S| when the prediction from coalition S is correct and 0 otherwise (v({}) = 0); a coalition's prediction is the
/// fusion head with the missing modality's embedding zeroed. From epoch <c>warmup</c> on, every sample whose contribution of
/// modality m is low is added again 1, 2 or 3 times (phi_m below 0.9, 0.4 or -0.1) with the other modality's embedding
/// zeroed, so m's encoder trains on it. The published code enlarges the next epoch's dataset with these copies; here the
/// copies are shuffled (from the seed and epoch) and spread over the next epoch's steps, each step's batch being the
/// regular batch plus its share of copies under one mean cross-entropy. Defined for two modalities only.
/// </summary>
[Method("valuation", "Sample-level modality valuation (CVPR 2024): per-sample Shapley contributions; low-contribution samples re-trained with the other modality masked (2 modalities).", MinModalities = 2, MaxModalities = 2)]
public sealed class ValuationMethod : TrainingMethod
{
    /// <summary>Published number of warm-up epochs before re-sampling starts.</summary>
    public const int PublishedWarmup = 5;

    private ResampledSample[] _selected = Array.Empty<ResampledSample>();
    private ResampledSample[] _schedule = Array.Empty<ResampledSample>();
    private int _scheduledEpoch = -1;
    private double[] _meanContributions = new double[2];

    /// <summary>Creates the method; option warmup (default 5, as published) is the number of plain epochs before re-sampling.</summary>
    public ValuationMethod(MethodSettings settings)
    {
        Warmup = settings.Integer("warmup", PublishedWarmup, 1, int.MaxValue, "epochs of joint training before the first valuation");
    }


    /// <summary>Not exact: every rank would add the same re-sampled copies to its batch.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Unsupported("valuation adds the epoch's re-sampled copies to every rank's batch, so data-parallel training would count them once per rank.");

    /// <summary>Plain epochs before the first re-sampled epoch.</summary>
    public int Warmup { get; }

    /// <summary>The copies the current (or next) epoch trains on besides the regular batches.</summary>
    public IReadOnlyList<ResampledSample> Selected => _selected;

    /// <summary>Two-player Shapley values (phi_first, phi_second) from the coalition values; they sum to both - none.</summary>
    public static (double First, double Second) Shapley(double none, double first, double second, double both) =>
        (((first - none) + (both - second)) / 2, ((second - none) + (both - first)) / 2);

    /// <summary>Value of a coalition of <paramref name="size"/> modalities, as published: its size when its prediction is correct, otherwise 0.</summary>
    public static double Value(int size, bool correct) => correct ? size : 0;

    /// <summary>
    /// Per-sample contributions [samples][2] from the logits with both modalities, with the first alone and with the second
    /// alone: the Shapley values of <see cref="Value"/>, v({}) = 0.
    /// </summary>
    public static double[][] Contributions(Tensor bothLogits, Tensor firstLogits, Tensor secondLogits, Tensor labels)
    {
        bool[] Correct(Tensor logits)
        {
            using Tensor correct = logits.argmax(1).eq(labels).cpu();
            return correct.data<bool>().ToArray();
        }
        bool[] both = Correct(bothLogits), first = Correct(firstLogits), second = Correct(secondLogits);
        return both.Select((_, i) =>
        {
            (double a, double b) = Shapley(0, Value(1, first[i]), Value(1, second[i]), Value(2, both[i]));
            return new[] { a, b };
        }).ToArray();
    }

    /// <summary>How many times a sample is re-added for a modality with contribution <paramref name="contribution"/> (published thresholds).</summary>
    public static int Copies(double contribution) => contribution < -0.1 ? 3 : contribution < 0.4 ? 2 : contribution < 0.9 ? 1 : 0;

    /// <summary>The re-sampled copies for per-sample contributions [samples][2]: per sample, first modality's copies then the second's.</summary>
    public static ResampledSample[] Select(IReadOnlyList<double[]> contributions) =>
        contributions.SelectMany((c, i) => Enumerable.Range(0, 2).SelectMany(m => Enumerable.Repeat(new ResampledSample(i, m), Copies(c[m])))).ToArray();

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        _selected = Array.Empty<ResampledSample>();
        _scheduledEpoch = -1;
        if (Warmup >= context.Options.Epochs)
            context.Warn($"valuation: warmup={Warmup} is not below the run's {context.Options.Epochs} epochs, so no sample is ever re-sampled and the run " +
                $"equals joint; set --method-option valuation:warmup=N with N < {context.Options.Epochs}.");
    }

    /// <summary>Cross-entropy over the regular batch plus this step's share of re-sampled copies (the other modality zeroed).</summary>
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        ResampledSample[] copies = CopiesForStep(step);
        if (copies.Length == 0) return base.ComputeLoss(batch, step);
        Batch extra = Context.Splits.Train.GetBatch(copies.Select(c => c.Sample).ToArray(), CopyAugmentation(step)).To(Context.Device);
        Tensor[] inputs = batch.Inputs.Zip(extra.Inputs, (regular, copy) => cat(new[] { regular, copy })).ToArray();
        Tensor[] embeddings = Context.Model.Encode(inputs);
        Tensor kept = cat(new[]
        {
            ones(batch.Size, 2, device: Context.Device),
            nn.functional.one_hot(tensor(copies.Select(c => (long)c.Modality).ToArray(), device: Context.Device), 2).to(float32),
        });
        Tensor logits = Context.Model.Fuse(embeddings, presence: kept);
        Tensor loss = nn.functional.cross_entropy(logits, cat(new[] { batch.Labels, extra.Labels }));
        return new StepOutput(loss, logits[..(int)batch.Size]);
    }

    /// <summary>Values every train sample; from the end of epoch warmup - 1 on, selects the next epoch's copies.</summary>
    public override void OnEpochEnd(EpochEnd epoch)
    {
        double[][] contributions = TrainContributions();
        _meanContributions = Enumerable.Range(0, 2).Select(m => contributions.Average(c => c[m])).ToArray();
        _selected = epoch.Epoch + 1 >= Warmup ? Select(contributions) : Array.Empty<ResampledSample>();
        _scheduledEpoch = -1;
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state) =>
        state["valuation.selected"] = tensor(_selected.SelectMany(s => new long[] { s.Sample, s.Modality }).ToArray(), new long[] { _selected.Length, 2 });

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        long[] pairs = state["valuation.selected"].data<long>().ToArray();
        _selected = Enumerable.Range(0, pairs.Length / 2).Select(i => new ResampledSample((int)pairs[2 * i], (int)pairs[2 * i + 1])).ToArray();
        _scheduledEpoch = -1;
    }

    /// <summary>Mean contribution of each modality over the train samples and the copies selected for the next epoch.</summary>
    public override IReadOnlyDictionary<string, double> EpochMetrics()
    {
        var metrics = new Dictionary<string, double> { ["valuation.resampled"] = _selected.Length };
        for (int m = 0; m < 2; m++)
        {
            string name = Context.Model.ModalityNames[m];
            metrics[$"valuation.contribution.{name}"] = _meanContributions[m];
            metrics[$"valuation.resampled.{name}"] = _selected.Count(s => s.Modality == m);
        }
        return metrics;
    }

    private ResampledSample[] CopiesForStep(StepInfo step)
    {
        if (_scheduledEpoch != step.Epoch)
        {
            // Derived from the seed and epoch by a fixed formula (not a running generator, not HashCode, which is randomized
            // per process), so a resumed run, even in another process, spreads the copies identically.
            var shuffle = new Random(SeedStreams.ValuationSchedule(Context.Options.Seed, step.Epoch));
            _schedule = _selected.OrderBy(_ => shuffle.Next()).ToArray();
            _scheduledEpoch = step.Epoch;
        }
        int start = (int)((long)_schedule.Length * step.Step / step.StepsPerEpoch);
        int end = (int)((long)_schedule.Length * (step.Step + 1) / step.StepsPerEpoch);
        return _schedule[start..end];
    }

    /// <summary>The augmentation of a step's re-sampled copies, a function of the run seed and the step like every training batch's.</summary>
    private Augmentation CopyAugmentation(StepInfo step) => Augmentation.FromSeed(SeedStreams.ValuationCopies(Context.Options.Seed, step.GlobalStep));

    private double[][] TrainContributions()
    {
        var result = new List<double[]>(Context.Splits.Train.Count);
        EvaluationSweep.Run(Context.Model, Context.Splits.Train, Context.Options.BatchSize, Context.Device, batch =>
        {
            Tensor[] e = Context.Model.Encode(batch.Inputs);
            Tensor both = Context.Model.Fuse(e);
            Tensor first = Context.Model.Fuse(e, coalition: 0b01);
            Tensor second = Context.Model.Fuse(e, coalition: 0b10);
            result.AddRange(Contributions(both, first, second, batch.Labels));
        });
        return result.ToArray();
    }
}
