using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class MlaMethodTests
{
    private static MlaMethod Create() => (MlaMethod)MethodRegistry.Create("mla", new MethodSettings());

    [Fact]
    public void Entropy_weights_favour_the_more_confident_modality_per_sample()
    {
        // Row 0: modality A is uniform (H = ln 2 = 0.693147), B predicts (0.75, 0.25) (H = 0.562335);
        // w_A = e^-0.693147 / (e^-0.693147 + e^-0.562335) = 0.467344. Row 1 swaps the modalities.
        using Tensor a = tensor(new float[] { 0, 0, (float)Math.Log(3), 0 }, new long[] { 2, 2 });
        using Tensor b = tensor(new float[] { (float)Math.Log(3), 0, 0, 0 }, new long[] { 2, 2 });
        using Tensor weights = SharedHeadFusion.EntropyWeights(new[] { a, b });
        float[] w = weights.data<float>().ToArray();
        Assert.Equal(new[] { 0.467344, 0.532656, 0.532656, 0.467344 }, w.Select(x => (double)x), new Tolerance(1e-5));
        Assert.Equal(0.5623351, SharedHeadFusion.PredictionEntropy(b)[0].item<float>(), 5);
    }

    [Fact]
    public void Shared_head_applies_one_classifier_to_every_modality_and_fuses_with_entropy_weights()
    {
        torch.manual_seed(1);
        using var head = new SharedHeadFusion(new long[] { 4, 4 }, classes: 3, hiddenSize: 8);
        Assert.Equal(4, head.InputSize);
        using Tensor x = randn(5, 4), y = randn(5, 4);
        Tensor[] logits = head.ModalityLogits(new[] { x, y });
        Assert.True(logits[0].allclose(head.Classifier.forward(x)) && logits[1].allclose(head.Classifier.forward(y)));
        Tensor w = SharedHeadFusion.EntropyWeights(logits);
        Tensor expected = logits[0] * w[.., 0].unsqueeze(1) + logits[1] * w[.., 1].unsqueeze(1);
        Assert.True(head.Forward(new[] { x, y }).allclose(expected, rtol: 1e-5, atol: 1e-6));

        using var projected = new SharedHeadFusion(new long[] { 4, 6 }, classes: 3, hiddenSize: 8);
        Assert.Equal(8, projected.InputSize);
        Assert.Equal(new long[] { 5, 3 }, projected.ModalityLogits(new[] { x, randn(5, 6) })[1].shape);
    }

    [Fact]
    public void Projector_update_matches_the_hand_computed_matrix()
    {
        // P = I, r = (1, 0), alpha = 0.1: k = (1, 0), P - k k^T / 1.1 = diag(0.1/1.1, 1), divided by its norm 1.004124.
        using Tensor p = MlaMethod.UpdateProjector(eye(2), tensor(new float[] { 1, 0 }, new long[] { 1, 2 }), 0.1);
        Assert.Equal(new[] { 0.0905357, 0, 0, 0.9958932 }, p.data<float>().Select(v => (double)v), new Tolerance(1e-6));
        Assert.Equal(0.1, MlaMethod.Regularizer(0, 10), 12);
        Assert.Equal(Math.Pow(0.1, 1.5), MlaMethod.Regularizer(5, 10), 12);
    }

    [Fact]
    public void Projected_gradient_is_orthogonal_to_the_stored_input_direction()
    {
        torch.manual_seed(2);
        using Tensor r = randn(1, 6);
        using Tensor p = MlaMethod.UpdateProjector(eye(6), r, 1e-6);
        using Tensor gradient = randn(3, 6);
        using Tensor projected = gradient.mm(p.t());
        // The head's change along r (what the stored input direction feeds the classes) vanishes; other directions keep a share.
        double along = projected.mm(r.t()).norm().item<float>();
        Assert.True(along < 1e-5 * gradient.mm(r.t()).norm().item<float>(), $"component along r: {along}");
        Assert.True(projected.norm().item<float>() > 0.1 * gradient.norm().item<float>() / Math.Sqrt(6));
    }

    [Fact]
    public void Each_unimodal_step_touches_only_the_active_encoder_and_the_head_gradient_is_projected()
    {
        var method = Create();
        using var bench = new MethodTestBench(method);
        Assert.IsType<SharedHeadFusion>(bench.Model.Fusion);
        var head = (SharedHeadFusion)bench.Model.Fusion;

        // First update of training: modality 0 only, head gradient not projected.
        var (step, output) = bench.ForwardBackward(epoch: 0);
        AssertOnlyEncoderHasGradient(bench, 0);
        Tensor before = head.Classifier.weight!.grad!.clone();
        method.AdjustGradients(step);
        Assert.True(head.Classifier.weight!.grad!.allclose(before, rtol: 0, atol: 0));
        bench.Optimizer.step();

        // The trainer's hook then runs modality 1's step on the same batch, projected with its mean head input.
        Tensor expected;
        using (no_grad())
        {
            // Modality 1's mean head input before its own step (its encoder is untouched by modality 0's step).
            Tensor r = head.ClassifierInput(bench.Model.Encoder(1).forward(bench.Batch.Inputs[1]), 1).mean(new long[] { 0 }, keepdim: true);
            expected = MlaMethod.UpdateProjector(method.Projector, r, MlaMethod.Regularizer(0, 1));
        }
        method.AfterOptimizerStep(output, step);
        AssertOnlyEncoderHasGradient(bench, 1);
        Assert.Equal(2, method.Updates);
        Assert.True(method.Projector.allclose(expected, rtol: 1e-4, atol: 1e-6));
        Assert.True(head.Classifier.weight!.grad!.norm().item<float>() > 0);
    }

    [Fact]
    public void The_trainer_builds_the_shared_head_and_state_round_trips()
    {
        var method = Create();
        Assert.Equal("shared", method.ConfigureModel(TestData.TinyModel with { Fusion = "concat" }).Fusion);
        using var bench = new MethodTestBench(method);
        var (step, output) = bench.ForwardBackward(epoch: 0);
        method.AdjustGradients(step);
        method.AfterOptimizerStep(output, step);
        var state = new Dictionary<string, Tensor>();
        method.SaveState(state);
        var restored = Create();
        using var other = new MethodTestBench(restored);
        restored.LoadState(state);
        Assert.Equal(method.Updates, restored.Updates);
        Assert.True(restored.Projector.allclose(method.Projector, rtol: 0, atol: 0));
        Assert.True(method.EpochMetrics().ContainsKey("mla.loss.visual"));
    }

    private static void AssertOnlyEncoderHasGradient(MethodTestBench bench, int active)
    {
        for (int m = 0; m < 2; m++)
        {
            double norm = bench.Model.Encoder(m).parameters().Where(p => p.grad is not null).Sum(p => (double)p.grad!.norm().item<float>());
            if (m == active) Assert.True(norm > 0, $"encoder {m} has no gradient");
            else Assert.Equal(0, norm);
        }
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
