using TorchSharp;
using Equimodal.Evaluation;
using Equimodal.Training;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Diagnosing and Re-learning ("Diagnosing and Re-learning for Balanced Multimodal Learning", Wei, Li and Hu, ECCV 2024).
/// The initial weights are kept. After every k-th epoch (k = 15, at most twice) each modality's learning state is
/// diagnosed from its encoder features: train and validation features are min-max scaled to [-1, 1] per dimension and
/// clustered by k-means with as many clusters as classes; the gap g = |P_train - P_val| between the clusterings' purities
/// measures how much the encoder over-fits, and its weights are re-initialised in part, theta &lt;- (1 - a) theta + a theta_0
/// with a = tanh(lambda g), lambda 3. The loss is plain cross-entropy; the head and the optimizer state are kept.
/// The re-learning runs at the start of the next epoch rather than at the end of the diagnosed one, so the trainer's model
/// selection never pairs re-initialised weights with the validation score of the weights before. k-means starts from a
/// farthest-point traversal beginning at the first sample (deterministic) and runs 30 Lloyd iterations. Defaults from
/// BalanceMM (trainer/ReLearning_trainer.py, configs/trainer_config/relearning_config.yaml); its "validation" features are
/// the test set's for CREMA-D and Kinetics-Sounds, here they come from the validation split.
/// </summary>
[Method("relearning", "Diagnosing and Re-learning (ECCV 2024): every k epochs, blends each encoder back toward its initial weights by its train/val purity gap.")]
public sealed class RelearningMethod : TrainingMethod
{
    private const int KMeansIterations = 30;
    private Tensor[][] _initial = Array.Empty<Tensor[]>();
    private int _relearnings;
    private int _relearnedAtEpoch = -1;
    private double[] _lastStrengths = Array.Empty<double>();

    /// <summary>Creates the method.</summary>
    public RelearningMethod(MethodSettings settings)
    {
        Every = settings.Integer("every", 15, 1, int.MaxValue, "epochs between diagnoses");
        MaxRelearnings = settings.Integer("max", 2, 0, int.MaxValue, "most re-learnings per run");
        Lambda = settings.Number("lambda", 3, 0, 1e3, "strength a = tanh(lambda * purity gap)");
    }

    /// <summary>k.</summary>
    public int Every { get; }

    /// <summary>Most re-learnings.</summary>
    public int MaxRelearnings { get; }

    /// <summary>lambda.</summary>
    public double Lambda { get; }

    /// <summary>Each column of <paramref name="features"/> scaled linearly to [-1, 1] (a constant column becomes 0).</summary>
    public static Tensor MinMaxScale(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor low = features.amin(new long[] { 0 }, keepdim: true), high = features.amax(new long[] { 0 }, keepdim: true);
        Tensor range = high - low;
        return where(range.gt(Held(0)), Held(2) * (features - low) / range.clamp_min(Held(1e-12)) - Held(1), zeros_like(features)).MoveToOuterDisposeScope();
    }

    /// <summary>k-means cluster of every row: farthest-point start from row 0, then Lloyd iterations.</summary>
    public static long[] KMeans(Tensor points, int clusters, int iterations = KMeansIterations)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int k = (int)Math.Min(clusters, points.shape[0]);
        var chosen = new List<long> { 0 };
        Tensor nearest = cdist(points, points[0].unsqueeze(0)).squeeze(1);
        while (chosen.Count < k)
        {
            long next = nearest.argmax().item<long>();
            chosen.Add(next);
            nearest = minimum(nearest, cdist(points, points[next].unsqueeze(0)).squeeze(1));
        }
        Tensor centres = points.index_select(0, tensor(chosen.ToArray()));
        Tensor assignment = cdist(points, centres).argmin(1);
        for (int i = 0; i < iterations; i++)
        {
            Tensor onehot = nn.functional.one_hot(assignment, k).to(points.dtype);
            Tensor counts = onehot.sum(dim: 0).unsqueeze(1);
            centres = where(counts.gt(Held(0)), onehot.t().matmul(points) / counts.clamp_min(Held(1)), centres);
            Tensor next = cdist(points, centres).argmin(1);
            if (next.eq(assignment).all().item<bool>()) break;
            assignment = next;
        }
        return assignment.data<long>().ToArray();
    }

    /// <summary>Purity: the share of samples whose cluster's most common label is their own.</summary>
    public static double Purity(IReadOnlyList<long> clusters, IReadOnlyList<long> labels) =>
        (double)clusters.Zip(labels).GroupBy(x => x.First).Sum(g => g.GroupBy(x => x.Second).Max(c => c.Count())) / labels.Count;

    /// <summary>Re-learning strength a = tanh(lambda * |P_train - P_val|).</summary>
    public static double Strength(double trainPurity, double validationPurity, double lambda) => Math.Tanh(lambda * Math.Abs(trainPurity - validationPurity));

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        _initial = Enumerable.Range(0, context.Model.ModalityNames.Count)
            .Select(m => context.Model.EncoderParameters(m).Select(p => p.detach().clone()).ToArray()).ToArray();
        _relearnings = 0;
        _relearnedAtEpoch = -1;
        _lastStrengths = new double[context.Model.ModalityNames.Count];
    }

    /// <summary>Diagnoses the epoch that just ended and re-learns, when it is a k-th one.</summary>
    public override void OnEpochStart(int epoch)
    {
        int diagnosed = epoch - 1;
        if (diagnosed <= 0 || diagnosed % Every != 0 || _relearnings >= MaxRelearnings || _relearnedAtEpoch == epoch) return;
        var (train, trainLabels) = EncoderFeatures.Extract(Context.Model, Context.Splits.Train, Context.Options.BatchSize, Context.Device);
        var (validation, validationLabels) = EncoderFeatures.Extract(Context.Model, Context.Splits.Validation, Context.Options.BatchSize, Context.Device);
        long[] trainY = trainLabels.data<long>().ToArray(), validationY = validationLabels.data<long>().ToArray();
        for (int m = 0; m < train.Length; m++)
        {
            double trainPurity = Purity(ScaledClusters(train[m]), trainY);
            double validationPurity = Purity(ScaledClusters(validation[m]), validationY);
            double strength = Strength(trainPurity, validationPurity, Lambda);
            _lastStrengths[m] = strength;
            using var noGrad = no_grad();
            Parameter[] parameters = Context.Model.EncoderParameters(m).ToArray();
            using Scalar kept = (1 - strength).ToScalar(), restored = strength.ToScalar();
            for (int p = 0; p < parameters.Length; p++) parameters[p].mul_(kept).add_(_initial[m][p], alpha: restored);
        }
        foreach (Tensor t in train.Concat(validation).Append(trainLabels).Append(validationLabels)) t.Dispose();
        _relearnings++;
        _relearnedAtEpoch = epoch;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() =>
        Context.Model.ModalityNames.Select((name, m) => (name, m)).ToDictionary(x => $"relearning.strength.{x.name}", x => _lastStrengths[x.m]);

    /// <summary>The initial weights (a resumed run's model was never initialised) and the re-learning count.</summary>
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        for (int m = 0; m < _initial.Length; m++)
            for (int p = 0; p < _initial[m].Length; p++) state[$"relearning.initial.{m}.{p}"] = _initial[m][p];
        state["relearning.count"] = tensor(new long[] { _relearnings, _relearnedAtEpoch });
        state["relearning.strengths"] = tensor(_lastStrengths, dtype: float64);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        for (int m = 0; m < _initial.Length; m++)
            for (int p = 0; p < _initial[m].Length; p++) _initial[m][p].copy_(state[$"relearning.initial.{m}.{p}"]);
        long[] counts = state["relearning.count"].data<long>().ToArray();
        (_relearnings, _relearnedAtEpoch) = ((int)counts[0], (int)counts[1]);
        _lastStrengths = state["relearning.strengths"].data<double>().ToArray();
    }

    private long[] ScaledClusters(Tensor features)
    {
        using Tensor scaled = MinMaxScale(features);
        return KMeans(scaled, Context.Model.Classes);
    }
}
