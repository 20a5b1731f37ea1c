using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class GradientBlendingMethodTests
{
    private static GradientBlendingMethod Create(params string[] options) => (GradientBlendingMethod)MethodRegistry.Create("gblend", MethodSettings.Parse(options));

    [Fact]
    public void Weights_are_gain_over_squared_overfitting_normalised_to_one()
    {
        // Heads audio, visual, fused. G = L_V(n) - L_V(n+dn); O = (L_V - L_T)(n+dn) - (L_V - L_T)(n), by hand:
        // audio G = 0.5, O = 0.3 - 0.1 = 0.2 -> 12.5; visual G = 0.2, O = 0.1 - 0 = 0.1 -> 20; fused G = 1, O = 0.7 - 0.2 = 0.5 -> 4.
        var before = new HeadLosses(new[] { 1.9, 2.0, 1.8 }, new[] { 2.0, 2.0, 2.0 });
        var after = new HeadLosses(new[] { 1.2, 1.7, 0.3 }, new[] { 1.5, 1.8, 1.0 });
        double[] weights = GradientBlendingMethod.BlendWeights(before, after, 1e-3, new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 });
        Assert.Equal(12.5 / 36.5, weights[0], 12);
        Assert.Equal(20 / 36.5, weights[1], 12);
        Assert.Equal(4 / 36.5, weights[2], 12);
        Assert.Equal(1, weights.Sum(), 12);
    }

    [Fact]
    public void A_head_without_gain_gets_zero_no_overfitting_is_floored_and_no_gain_anywhere_keeps_the_weights()
    {
        // audio: held-out loss rose (G = -0.1) -> 0; visual: G = 0.1 with O = 0 -> 0.1 / 0.01^2 = 1000;
        // fused: G = 0.5, O = (1.0 - 0.0) - (1.5 - 1.0) = 0.5 -> 0.5 / 0.25 = 2.
        var before = new HeadLosses(new[] { 1.0, 1.0, 1.0 }, new[] { 1.0, 1.0, 1.5 });
        var after = new HeadLosses(new[] { 1.0, 0.9, 0.0 }, new[] { 1.1, 0.9, 1.0 });
        double[] weights = GradientBlendingMethod.BlendWeights(before, after, 0.01, new[] { 0.2, 0.3, 0.5 });
        Assert.Equal(0, weights[0]);
        Assert.Equal(1000 / 1002.0, weights[1], 12);
        Assert.Equal(2 / 1002.0, weights[2], 12);

        var worse = new HeadLosses(new[] { 0.5, 0.5, 0.5 }, new[] { 1.2, 1.2, double.NaN });
        Assert.Equal(new[] { 0.2, 0.3, 0.5 }, GradientBlendingMethod.BlendWeights(before, worse, 0.01, new[] { 0.2, 0.3, 0.5 }));
    }

    [Fact]
    public void An_estimate_after_a_super_epoch_sets_the_weights_the_loss_is_their_weighted_sum_and_the_state_survives_a_checkpoint()
    {
        var method = Create("every=1");
        using var bench = new MethodTestBench(method, epochs: 4);
        Assert.All(method.Weights, w => Assert.Equal(1.0 / 3, w, 12));
        HeadLosses start = method.MeasureHeads();
        method.OnEpochStart(0);
        for (int i = 0; i < 5; i++)
        {
            bench.ForwardBackward(epoch: 0);
            bench.Optimizer.step();
        }
        HeadLosses end = method.MeasureHeads();
        method.OnEpochEnd(new EpochEnd(0, new EvaluationResult()));
        double[] expected = GradientBlendingMethod.BlendWeights(start, end, method.OverfitFloor, new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 });
        Assert.Equal(expected, method.Weights.ToArray());
        Assert.Equal(1, method.Weights.Sum(), 12);
        Assert.Contains(method.Weights, w => Math.Abs(w - 1.0 / 3) > 1e-3);
        IReadOnlyDictionary<string, double> metrics = method.EpochMetrics();
        Assert.Equal(method.Weights[2], metrics["gblend.w.fused"]);
        Assert.Equal(method.Weights[0], metrics["gblend.w.audio"]);

        // Loss = w_audio CE(z_audio) + w_visual CE(z_visual) + w_fused CE(z_fused), same train-mode forward.
        StepOutput output = method.ComputeLoss(bench.Batch, new StepInfo(1, 0, 5, 1));
        using (no_grad())
        {
            var forward = bench.Model.Forward(bench.Batch.Inputs);
            double Ce(Tensor logits) => nn.functional.cross_entropy(logits, bench.Batch.Labels).item<float>();
            double byHand = method.Weights[0] * Ce(forward.ModalityLogits[0]) + method.Weights[1] * Ce(forward.ModalityLogits[1]) + method.Weights[2] * Ce(forward.Logits);
            Assert.Equal(byHand, output.Loss.item<float>(), 5);
        }

        var state = new Dictionary<string, Tensor>();
        method.SaveState(state);
        var resumed = Create("every=1");
        using var other = new MethodTestBench(resumed, epochs: 4);
        resumed.LoadState(state);
        Assert.Equal(method.Weights.ToArray(), resumed.Weights.ToArray());
        var resavedState = new Dictionary<string, Tensor>();
        resumed.SaveState(resavedState);
        Assert.Equal(state.Keys.Order(), resavedState.Keys.Order());
        foreach (var (key, value) in state) Assert.True(value.eq(resavedState[key]).all().item<bool>(), key);
        // The restored previous point is used: no new initial point is measured at the next epoch start.
        resumed.OnEpochStart(1);
        var afterStart = new Dictionary<string, Tensor>();
        resumed.SaveState(afterStart);
        Assert.True(afterStart["gblend.previous"].eq(state["gblend.previous"]).all().item<bool>());
    }

    [Fact]
    public void The_trainer_never_trains_on_the_held_out_part_of_the_training_split()
    {
        DatasetSplits small = TestData.Small;
        var recording = new RecordingDataset(small.Train);
        var splits = new DatasetSplits(recording, small.Validation, small.Test);
        var method = Create("every=1", "heldout=0.2");
        new Trainer(TestData.ShortTraining with { Epochs = 2 }, TestData.TinyModel).Fit(method, splits);

        var held = method.HeldOut.SourceIndices.ToHashSet();
        Assert.InRange(held.Count, (int)(0.2 * small.Train.Count) - small.ClassNames.Count, (int)(0.2 * small.Train.Count) + small.ClassNames.Count);
        Assert.Empty(recording.Trained.Intersect(held));
        Assert.Equal(Enumerable.Range(0, small.Train.Count).Except(held).Order(), recording.Trained.Order());
        // Stratified: every class is held out in proportion.
        foreach (var group in Enumerable.Range(0, small.Train.Count).GroupBy(small.Train.LabelOf))
            Assert.InRange(group.Count(held.Contains), (int)Math.Floor(group.Count() * 0.2), (int)Math.Ceiling(group.Count() * 0.2));
    }

    private sealed class RecordingDataset(IMultimodalDataset inner) : IMultimodalDataset
    {
        public HashSet<int> Trained { get; } = new();

        public IReadOnlyList<ModalitySpec> Modalities => inner.Modalities;

        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public Equimodal.Tasks.TaskKind Task => inner.Task;

        public int Count => inner.Count;

        public int LabelOf(int index) => inner.LabelOf(index);

        public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation)
        {
            if (augmentation.Enabled) Trained.UnionWith(indices);
            return inner.GetBatch(indices, augmentation);
        }
    }
}
