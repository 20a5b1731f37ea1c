using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class ValuationMethodTests
{
    private static ValuationMethod Create(params string[] options) => (ValuationMethod)MethodRegistry.Create("valuation", MethodSettings.Parse(options));

    [Fact]
    public void Two_player_shapley_values_are_efficient_and_match_the_hand_computed_ones()
    {
        // v({}) = 0, v({a}) = 1, v({v}) = 0, v({a,v}) = 2: phi_a = (1 + 2) / 2, phi_v = (0 + 1) / 2.
        Assert.Equal((1.5, 0.5), ValuationMethod.Shapley(0, 1, 0, 2));
        (double a, double b) = ValuationMethod.Shapley(0.25, 0.5, 2, 1);
        Assert.Equal(1 - 0.25, a + b, 12);
    }

    [Fact]
    public void Contributions_come_from_the_correctness_of_the_masked_predictions()
    {
        // Labels 0, 0, 1, 1. Predicted classes: both (0, 0, 0, 1), first alone (0, 1, 1, 0), second alone (0, 0, 1, 0).
        using Tensor labels = tensor(new long[] { 0, 0, 1, 1 });
        using Tensor both = Logits(0, 0, 0, 1), first = Logits(0, 1, 1, 0), second = Logits(0, 0, 1, 0);
        double[][] c = ValuationMethod.Contributions(both, first, second, labels);
        // Sample 0: all correct -> (1, 1). Sample 1: both and second correct -> ((0 + 2 - 1)/2, (1 + 2 - 0)/2) = (0.5, 1.5).
        // Sample 2: fused wrong, both alone correct -> ((1 + 0 - 1)/2, (1 + 0 - 1)/2) = (0, 0). Sample 3: only fused -> (1, 1).
        Assert.Equal(new[] { new[] { 1.0, 1.0 }, new[] { 0.5, 1.5 }, new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 } }, c);
        // Efficiency: phi_a + phi_v = v(both) - v({}) for every sample.
        double[] fused = { 2, 2, 0, 2 };
        for (int i = 0; i < 4; i++) Assert.Equal(fused[i], c[i][0] + c[i][1], 12);
    }

    [Fact]
    public void Selection_re_adds_exactly_the_low_contribution_samples_with_the_published_copy_counts()
    {
        Assert.Equal(new[] { 3, 2, 1, 0, 0 }, new[] { -0.5, 0.0, 0.5, 1.0, 1.5 }.Select(ValuationMethod.Copies));
        double[][] contributions = { new[] { 1.0, 1.0 }, new[] { 0.5, 1.5 }, new[] { -0.5, 0.0 }, new[] { 1.5, 0.5 } };
        ResampledSample[] selected = ValuationMethod.Select(contributions);
        ResampledSample S(int sample, int modality) => new(sample, modality);
        Assert.Equal(new[] { S(1, 0), S(2, 0), S(2, 0), S(2, 0), S(2, 1), S(2, 1), S(3, 1) }, selected);
    }

    [Fact]
    public void More_than_two_modalities_fail_with_a_clear_message()
    {
        var specs = new[] { "audio", "visual", "text" }.Select(n => new ModalitySpec(n, ModalityKind.Vector, new long[] { 4 })).ToArray();
        var error = Assert.Throws<ArgumentException>(() => RunPlan.CheckRequirements(Create(), specs.Select(s => s.Name).ToArray(), "concat"));
        Assert.Contains("defined for 2 modalities", error.Message);
        Assert.Contains("3 (audio, visual, text)", error.Message);
        RunPlan.CheckRequirements(Create(), new[] { "audio", "visual" }, "concat");
        Assert.Equal(5, Create().Warmup);
        Assert.Contains("warmup", Assert.Throws<ArgumentException>(() => Create("warmup=0")).Message);
    }

    [Fact]
    public void After_warm_up_the_next_epoch_adds_the_copies_with_the_other_modality_zeroed_and_state_round_trips()
    {
        var method = Create("warmup=2");
        using var bench = new MethodTestBench(method, batchSize: 8);
        method.OnEpochEnd(new EpochEnd(0, null!));
        Assert.Empty(method.Selected);
        IReadOnlyDictionary<string, double> warm = method.EpochMetrics();
        Assert.Equal(0, warm["valuation.resampled"]);
        // The mean contributions are the train samples' Shapley values under the model in eval mode (the hand-checked
        // Contributions above), averaged per modality; the copies are what Select makes of the same values.
        double[][] contributions = TrainContributions(bench);
        Assert.Equal(contributions.Average(c => c[0]), warm["valuation.contribution.audio"], 12);
        Assert.Equal(contributions.Average(c => c[1]), warm["valuation.contribution.visual"], 12);
        Assert.True(bench.Model.training);

        method.OnEpochEnd(new EpochEnd(1, null!));
        ResampledSample[] selected = method.Selected.ToArray();
        Assert.NotEmpty(selected);
        Assert.Equal(ValuationMethod.Select(contributions), selected);
        IReadOnlyDictionary<string, double> metrics = method.EpochMetrics();
        Assert.Equal(selected.Length, metrics["valuation.resampled"]);
        Assert.Equal(selected.Length, metrics["valuation.resampled.audio"] + metrics["valuation.resampled.visual"]);

        var state = new Dictionary<string, Tensor>();
        method.SaveState(state);
        var restored = Create("warmup=2");
        using var other = new MethodTestBench(restored, batchSize: 8);
        restored.LoadState(state);
        Assert.Equal(selected, restored.Selected);

        // One step per epoch: the step carries every copy. In eval mode rows are independent, so the loss is the mean
        // cross-entropy over the regular rows and the copies, each copy's other modality zeroed at the fusion input.
        bench.Model.eval();
        var step = new StepInfo(2, 0, 0, 1);
        StepOutput output = method.ComputeLoss(bench.Batch, step);
        Assert.Equal(bench.Batch.Size, output.Logits.shape[0]);
        using (no_grad())
        {
            Tensor regular = nn.functional.cross_entropy(bench.Model.Forward(bench.Batch.Inputs).Logits, bench.Batch.Labels, reduction: nn.Reduction.Sum);
            using Batch copies = TestData.Small.Train.GetBatch(selected.Select(s => s.Sample).ToArray(), Augmentation.None);
            Tensor[] e = bench.Model.Encode(copies.Inputs);
            Tensor keep = nn.functional.one_hot(tensor(selected.Select(s => (long)s.Modality).ToArray()), 2).to(float32);
            Tensor masked = bench.Model.Fuse(new[] { e[0] * keep[.., 0].unsqueeze(1), e[1] * keep[.., 1].unsqueeze(1) });
            Tensor extra = nn.functional.cross_entropy(masked, copies.Labels, reduction: nn.Reduction.Sum);
            double expected = (regular + extra).item<float>() / (bench.Batch.Size + selected.Length);
            Assert.Equal(expected, output.Loss.item<float>(), 4);
        }
    }

    private static double[][] TrainContributions(MethodTestBench bench)
    {
        bench.Model.eval();
        using var noGrad = no_grad();
        IMultimodalDataset train = TestData.Small.Train;
        using Batch all = train.GetBatch(Enumerable.Range(0, train.Count).ToArray(), Augmentation.None);
        Tensor[] e = bench.Model.Encode(all.Inputs);
        double[][] contributions = ValuationMethod.Contributions(bench.Model.Fuse(e),
            bench.Model.Fuse(new[] { e[0], zeros_like(e[1]) }), bench.Model.Fuse(new[] { zeros_like(e[0]), e[1] }), all.Labels);
        bench.Model.train();
        return contributions;
    }

    private static Tensor Logits(params int[] predicted) =>
        nn.functional.one_hot(tensor(predicted.Select(p => (long)p).ToArray()), 2).to(float32);
}
