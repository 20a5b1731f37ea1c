using Equimodal.Attribution;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Evaluation;

public class CorruptionTests
{
    [Fact]
    public void Parses_modality_kind_and_level_and_rejects_the_rest()
    {
        Assert.Equal(new Corruption("audio", "noise", -5), Corruption.Parse("audio:noise=-5"));
        Assert.Equal("visual:occlusion=0.5", Corruption.Parse("visual:occlusion=0.5").ToString());
        Assert.Contains("Valid kinds", Assert.Throws<ArgumentException>(() => Corruption.Parse("audio:hiss=3")).Message);
        Assert.Throws<ArgumentException>(() => Corruption.Parse("audio=3"));
        Assert.Throws<ArgumentException>(() => Corruption.Parse("visual:occlusion=2"));
    }

    [Fact]
    public void White_noise_has_the_requested_snr_and_is_a_function_of_the_seed()
    {
        using var scope = NewDisposeScope();
        Tensor x = full(new long[] { 2, 1, 64, 64 }, 3.0f);
        var corruption = new Corruption("audio", "noise", 10);
        Tensor noise = corruption.Apply(x, seed: 7) - x;
        // Signal power 9, SNR 10 dB: noise power 0.9 per sample.
        double[] power = noise.square().mean(new long[] { 1, 2, 3 }).data<float>().Select(v => (double)v).ToArray();
        Assert.All(power, p => Assert.InRange(p, 0.9 * 0.93, 0.9 * 1.07));
        Assert.True(corruption.Apply(x, seed: 7).equal(corruption.Apply(x, seed: 7)).all().item<bool>());
        Assert.False(corruption.Apply(x, seed: 7).equal(corruption.Apply(x, seed: 8)).all().item<bool>());
    }

    [Fact]
    public void Occlusion_hides_one_square_of_the_area_fraction_at_the_same_place_in_every_frame()
    {
        using var scope = NewDisposeScope();
        Tensor clips = ones(new long[] { 3, 2, 1, 10, 10 });
        Tensor occluded = new Corruption("visual", "occlusion", 0.25).Apply(clips, seed: 1);
        // side = round(sqrt(0.25 * 100)) = 5: 25 zeros per frame, identical in both frames of a clip.
        Tensor zeros = occluded.eq(0).sum(new long[] { 2, 3, 4 });
        Assert.All(zeros.data<long>().ToArray(), z => Assert.Equal(25L, z));
        Assert.True(occluded[.., 0].equal(occluded[.., 1]).all().item<bool>());
    }

    [Fact]
    public void Blur_keeps_a_constant_image_constant_away_from_the_border()
    {
        using var scope = NewDisposeScope();
        Tensor blurred = new Corruption("visual", "blur", 1).Apply(full(new long[] { 1, 1, 1, 20, 20 }, 2.0f), seed: 0);
        Assert.True(blurred[0, 0, 0, 5..15, 5..15].allclose(full(10, 10, 2.0f), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Missing_and_corrupted_accuracy_match_the_evaluator_and_the_coalitions()
    {
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 1 }, TestData.TinyModel);
        trainer.Fit(MethodRegistry.Create("joint"), TestData.Small);
        var context = new DiagnosticContext(trainer.Model!, TestData.Small, 64, CPU);
        ModelDiagnostics robustness = new RobustnessDiagnostic().Apply(new ModelDiagnostics(), context);
        DatasetShapley shapley = ShapleyValues.OfAccuracy(trainer.Model!, TestData.Small.Test, 64);
        var noVisual = new TestCondition(new[] { "visual" }, Array.Empty<Corruption>());
        Assert.Equal(Evaluator.Evaluate(trainer.Model!, TestData.Small.Test, 64, CPU, noVisual).Accuracy, robustness.AccuracyMissing!["visual"], 12);
        Assert.Equal(shapley.CoalitionAccuracy[0b01], robustness.AccuracyMissing["visual"], 12);
        Assert.Equal(shapley.CoalitionAccuracy[0b10], robustness.AccuracyMissing["audio"], 12);
        var noisyAudio = new TestCondition(Array.Empty<string>(), new[] { new Corruption("audio", "noise", 0) });
        Assert.Equal(Evaluator.Evaluate(trainer.Model!, TestData.Small.Test, 64, CPU, noisyAudio).Accuracy, robustness.AccuracyCorrupted!["audio"], 12);
        trainer.Model!.Dispose();
    }
}
