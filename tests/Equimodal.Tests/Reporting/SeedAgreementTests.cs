using Equimodal.Attribution;
using Equimodal.Evaluation;
using Equimodal.Reporting;
using Equimodal.Training;

namespace Equimodal.Tests.Reporting;

public class SeedAgreementTests
{
    [Fact]
    public void Lines_count_the_seeds_on_which_the_method_is_strictly_better_and_print_the_differences()
    {
        var accuracy = new PairedSeeds("accuracy", new[] { 0.88, 0.85, 0.90 }, new[] { 0.87, 0.86, 0.90 }, HigherIsBetter: true, InPoints: true);
        var imbalance = new PairedSeeds("Shapley imbalance", new[] { 0.40, 0.50 }, new[] { 0.60, 0.55 }, HigherIsBetter: false, InPoints: false);
        Assert.Equal(1, accuracy.Better); // a tie is not better
        Assert.False(accuracy.HeldOnEverySeed);
        Assert.True(imbalance.HeldOnEverySeed);
        Assert.Equal(new[]
        {
            "accuracy: higher than joint on 1 of 3 seeds (+1.0, -1.0, +0.0 points)",
            "Shapley imbalance: lower than joint on 2 of 2 seeds (-0.20, -0.05)",
        }, SeedAgreement.Lines(new[] { accuracy, imbalance }, "joint"));
    }

    [Fact]
    public void Only_what_held_on_every_seed_is_claimed()
    {
        var up = new PairedSeeds("accuracy", new[] { 0.9, 0.9 }, new[] { 0.8, 0.8 }, true, true);
        var mixed = new PairedSeeds("failure gap(visual)", new[] { 0.1, 0.3 }, new[] { 0.2, 0.2 }, false, true);
        Assert.Equal("Held on all 2 seeds: attr-reg is better than joint in accuracy. Not on every seed, so not claimed: failure gap(visual) (1 of 2).",
            SeedAgreement.Claim(new[] { up, mixed }, "attr-reg", "joint"));
        Assert.Equal("No difference between attr-reg and joint held on all 2 seeds. Not on every seed, so not claimed: failure gap(visual) (1 of 2).",
            SeedAgreement.Claim(new[] { mixed }, "attr-reg", "joint"));
        Assert.Equal("Held on all 2 seeds: attr-reg is better than joint in accuracy.", SeedAgreement.Claim(new[] { up }, "attr-reg", "joint"));
    }

    [Fact]
    public void A_loss_on_every_seed_is_claimed_as_plainly_as_a_gain()
    {
        // attr-reg below joint on all three seeds (-3.3, -0.4, -2.1 points) while its failure gap is lower on one seed only.
        var down = new PairedSeeds("accuracy", new[] { 0.829, 0.867, 0.867 }, new[] { 0.862, 0.871, 0.888 }, true, true);
        var mixed = new PairedSeeds("failure gap(visual)", new[] { 0.304, 0.200, 0.175 }, new[] { 0.200, 0.167, 0.204 }, false, true);
        var lower = new PairedSeeds("Shapley imbalance", new[] { 0.40, 0.45, 0.50 }, new[] { 0.60, 0.55, 0.65 }, false, false);
        Assert.Equal(3, down.Worse);
        Assert.True(down.WorseOnEverySeed);
        Assert.False(mixed.WorseOnEverySeed);
        Assert.Equal("Held on all 3 seeds: attr-reg is worse than joint in accuracy. Not on every seed, so not claimed: failure gap(visual) (1 of 3).",
            SeedAgreement.Claim(new[] { down, mixed }, "attr-reg", "joint"));
        Assert.Equal("Held on all 3 seeds: attr-reg is better than joint in Shapley imbalance; and attr-reg is worse than joint in accuracy.",
            SeedAgreement.Claim(new[] { down, lower }, "attr-reg", "joint"));
    }

    private static TrainingResult Result(string method, double accuracy, double audio = double.NaN, double visual = double.NaN)
    {
        var own = new Dictionary<string, double>();
        if (!double.IsNaN(audio)) own["audio"] = audio;
        if (!double.IsNaN(visual)) own["visual"] = visual;
        return new TrainingResult { Method = method, Test = new EvaluationResult { Accuracy = accuracy, ModalityAccuracy = own } };
    }

    // Coalitions by bit mask: 0 none, 1 audio, 2 visual, 3 both.
    private static DatasetShapley Shapley(double none, double audio, double visual, double both)
    {
        double phiAudio = 0.5 * (audio - none) + 0.5 * (both - visual), phiVisual = 0.5 * (visual - none) + 0.5 * (both - audio);
        return new DatasetShapley(new[] { "audio", "visual" }, new[] { phiAudio, phiVisual }, new[] { none, audio, visual, both });
    }

    [Fact]
    public void Paired_runs_find_the_modality_the_baseline_under_trains_and_compare_on_it()
    {
        string[] methods = { "audio-only", "visual-only", "joint", "attr-reg", "audio-only", "visual-only", "joint", "attr-reg" };
        TrainingResult[] results =
        {
            Result("audio-only", 0.83), Result("visual-only", 0.55), Result("joint", 0.85, audio: 0.80, visual: 0.35), Result("attr-reg", 0.88, audio: 0.81, visual: 0.50),
            Result("audio-only", 0.84), Result("visual-only", 0.50), Result("joint", 0.86, audio: 0.82, visual: 0.30), Result("attr-reg", 0.85, audio: 0.83, visual: 0.45),
        };
        DatasetShapley unimodal = Shapley(1 / 6.0, 0.8, 0.5, 0.8);
        DatasetShapley[] shapley =
        {
            unimodal, unimodal, Shapley(1 / 6.0, 0.80, 0.34, 0.85), Shapley(1 / 6.0, 0.81, 0.50, 0.88),
            unimodal, unimodal, Shapley(1 / 6.0, 0.82, 0.30, 0.86), Shapley(1 / 6.0, 0.80, 0.45, 0.85),
        };
        var paired = SeedPairedRuns.From(methods, results, shapley, new[] { "audio", "visual" }, method: "attr-reg", baseline: "joint");
        // joint's gaps: audio 0.03 and 0.02, visual 0.20 and 0.20: vision is the weak modality.
        Assert.Equal("visual", paired.Weak);
        Assert.Equal(2, paired.Count);
        Assert.Equal(new[]
        {
            "visual-only accuracy per seed: 55.0, 50.0 %",
            "failure gap(visual) per seed: joint 20.0, 20.0; attr-reg 5.0, 5.0 points",
        }, paired.FailureGaps());
        IReadOnlyList<PairedSeeds> comparisons = paired.Comparisons();
        Assert.Equal(new[] { "accuracy", "failure gap(visual)", "accuracy without audio", "Shapley imbalance" }, comparisons.Select(c => c.Quantity));
        Assert.Equal(new[] { 0.03, -0.01 }, comparisons[0].Differences, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(new[] { -0.15, -0.15 }, comparisons[1].Differences, (a, b) => Math.Abs(a - b) < 1e-12);
        // Without audio the coalition is {visual}: 0.50 against 0.34, 0.45 against 0.30.
        Assert.Equal(new[] { 0.16, 0.15 }, comparisons[2].Differences, (a, b) => Math.Abs(a - b) < 1e-12);
        // Seed 1: joint phi = (0.5 (0.80 - 1/6) + 0.5 (0.85 - 0.34), 0.5 (0.34 - 1/6) + 0.5 (0.85 - 0.80)), imbalance |a - v| / (a + v).
        double jointAudio = 0.5 * (0.80 - 1 / 6.0) + 0.5 * 0.51, jointVisual = 0.5 * (0.34 - 1 / 6.0) + 0.5 * 0.05;
        Assert.Equal(Math.Abs(jointAudio - jointVisual) / (jointAudio + jointVisual), comparisons[3].Baseline[0], 12);
        Assert.Equal("Held on all 2 seeds: attr-reg is better than joint in failure gap(visual); accuracy without audio; Shapley imbalance. Not on every seed, so not claimed: accuracy (1 of 2).",
            SeedAgreement.Claim(comparisons, "attr-reg", "joint"));
    }

    [Fact]
    public void Pairing_refuses_uneven_runs_or_no_reference()
    {
        DatasetShapley shapley = Shapley(0, 0, 0, 0);
        Assert.Throws<ArgumentException>(() => SeedPairedRuns.From(new[] { "joint", "attr-reg" }, new[] { Result("joint", 0.8), Result("attr-reg", 0.8) },
            new[] { shapley, shapley }, new[] { "audio", "visual" }, "attr-reg", "joint"));
        Assert.Throws<ArgumentException>(() => SeedPairedRuns.From(new[] { "audio-only", "joint", "attr-reg", "attr-reg" },
            new[] { Result("audio-only", 0.8), Result("joint", 0.8), Result("attr-reg", 0.8), Result("attr-reg", 0.8) },
            new[] { shapley, shapley, shapley, shapley }, new[] { "audio", "visual" }, "attr-reg", "joint"));
    }
}
