using System.Text.Json;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Reporting;
using Equimodal.Report;

namespace Equimodal.Tests.Reporting;

public class ComparisonFailureGapsTests
{
    private static ComparisonRecord Run(string method, int seed, double accuracy, double? ownAudio = null, double? ownVisual = null)
    {
        var own = new Dictionary<string, double>();
        if (ownAudio is double a) own["audio"] = a;
        if (ownVisual is double v) own["visual"] = v;
        return new ComparisonRecord { Method = method, Seed = seed, Accuracy = accuracy, Diagnostics = new ModelDiagnostics { ModalityAccuracy = own } };
    }

    private static ComparisonResults Gaps() => ComparisonResults.Create(new[] { "audio-only", "visual-only", "joint", "attr-reg" }, new[] { 1, 2 }, new[] { "audio", "visual" }, new[]
    {
        Run("audio-only", 1, 0.70, ownAudio: 0.70), Run("audio-only", 2, 0.72, ownAudio: 0.72),
        Run("visual-only", 1, 0.90, ownVisual: 0.90), Run("visual-only", 2, 0.88, ownVisual: 0.88),
        Run("joint", 1, 0.93, 0.40, 0.91), Run("joint", 2, 0.92, 0.50, 0.86),
        // Seed 3 has no unimodal rows: no reference, no gap.
        Run("attr-reg", 1, 0.94, 0.71, 0.80), Run("attr-reg", 3, 0.95, 0.60, 0.90),
    });

    [Fact]
    public void A_multimodal_run_is_measured_against_the_unimodal_rows_of_its_own_seed()
    {
        ComparisonResults results = Gaps();

        ComparisonRecord joint1 = results.Runs.Single(r => r.Method == "joint" && r.Seed == 1);
        Assert.Equal(0.70 - 0.40, joint1.FailureGaps!["audio"], 12);
        Assert.Equal(0.90 - 0.91, joint1.FailureGaps["visual"], 12);
        Assert.Equal(0.30, joint1.FailureGap!.Value, 12);
        ComparisonRecord joint2 = results.Runs.Single(r => r.Method == "joint" && r.Seed == 2);
        Assert.Equal(0.72 - 0.50, joint2.FailureGap!.Value, 12);
        Assert.Equal(0.88 - 0.86, joint2.FailureGaps!["visual"], 12);
        Assert.Equal(0.10, results.Runs.Single(r => r.Method == "attr-reg" && r.Seed == 1).FailureGap!.Value, 12);
        Assert.Null(results.Runs.Single(r => r.Method == "attr-reg" && r.Seed == 3).FailureGaps);
        Assert.All(results.Runs.Where(r => r.Method.EndsWith("-only", StringComparison.Ordinal)), r => Assert.Null(r.FailureGaps));

        // Summary: mean and sample std over the seeds that have a gap; lower is better, so the smallest mean is marked.
        MetricSummary joint = results.Summary.Single(s => s.Method == "joint").Metrics[ComparisonColumn.FailureGapKey];
        Assert.Equal(0.26, joint.Mean, 12);
        Assert.Equal(0.08 / Math.Sqrt(2), joint.Std, 12);
        Assert.Equal(1, results.Summary.Single(s => s.Method == "attr-reg").Metrics[ComparisonColumn.FailureGapKey].Count);
        Assert.False(results.Summary.Single(s => s.Method == "audio-only").Metrics.ContainsKey(ComparisonColumn.FailureGapKey));

        string[] lines = ComparisonColumn.Markdown(results).Split('\n');
        string[] header = lines[0].Split('|').Select(c => c.Trim()).ToArray();
        string[] jointRow = lines.First(l => l.StartsWith("| joint |", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToArray();
        string[] attrRow = lines.First(l => l.StartsWith("| attr-reg |", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToArray();
        int gap = Array.IndexOf(header, "failure gap"), gapAudio = Array.IndexOf(header, "gap(audio)"), gapVisual = Array.IndexOf(header, "gap(visual)");
        Assert.Equal(("26.0 ± 5.7", "**10.0**"), (jointRow[gap], attrRow[gap]));
        Assert.Equal(("26.0 ± 5.7", "**-1.0**"), (jointRow[gapAudio], attrRow[gapAudio]));
        Assert.Equal(("**0.5 ± 2.1**", "10.0"), (jointRow[gapVisual], attrRow[gapVisual]));
        // Seed noise alone: (1, 2) gives max(0.70 - 0.72, 0.90 - 0.88) = 0.02 and (2, 1) max(0.02, -0.02) = 0.02.
        Assert.Equal(0.02, results.FailureGapFloor!.Value, 12);
        Assert.Contains("\nFailure gap from seed noise alone: 2.0 points.", ComparisonColumn.Markdown(results));

        ComparisonResults reread = JsonSerializer.Deserialize<ComparisonResults>(JsonSerializer.Serialize(results, Json.Indented), Json.Indented)!;
        Assert.Equal(0.30, reread.Runs.Single(r => r.Method == "joint" && r.Seed == 1).FailureGap!.Value, 12);
        Assert.Equal(0.02, reread.FailureGapFloor!.Value, 12);
    }

    [Fact]
    public void The_failure_gap_chart_has_per_seed_points_in_points_and_a_student_t_interval()
    {
        IntervalChart chart = Charts.FailureGaps(Gaps())!;

        Assert.Equal(new[] { "joint", "attr-reg" }, chart.Rows.Select(r => r.Label));
        IntervalRow joint = chart.Rows[0];
        Assert.Equal(new[] { 30.0, 22.0 }, joint.Points.Select(p => Math.Round(p, 9)));
        // mean 26, std 8 / sqrt(2), half-width t(1) * std / sqrt(2) = 12.706 * 4
        Assert.Equal(26, joint.Mean, 9);
        Assert.Equal(26 - 12.706 * 4, joint.Low, 9);
        Assert.Equal(26 + 12.706 * 4, joint.High, 9);
        Assert.False(chart.Rows[1].HasInterval);
        Assert.Equal((2, 3), (joint.Colour, chart.Rows[1].Colour));
        // The axis spans the interval and the reference line, with a margin.
        (double min, double max) = chart.Range();
        Assert.True(min < joint.Low && max > joint.High && chart.Reference == 0);
        Assert.Null(Charts.FailureGaps(ComparisonResults.Create(new[] { "joint" }, new[] { 1 }, new[] { "audio", "visual" }, new[] { Run("joint", 1, 0.9, 0.5, 0.6) })));
    }

    [Fact]
    public void The_reading_claims_a_difference_only_when_its_interval_excludes_zero()
    {
        ComparisonRecord Accuracy(string method, int seed, double accuracy) => new() { Method = method, Seed = seed, Accuracy = accuracy };
        var results = ComparisonResults.Create(new[] { "joint", "steady", "noisy", "one-seed" }, new[] { 1, 2, 3 }, new[] { "audio" }, new[]
        {
            Accuracy("joint", 1, 0.90), Accuracy("joint", 2, 0.92), Accuracy("joint", 3, 0.91),
            Accuracy("steady", 1, 0.93), Accuracy("steady", 2, 0.94), Accuracy("steady", 3, 0.93),
            Accuracy("noisy", 1, 0.88), Accuracy("noisy", 2, 0.95), Accuracy("noisy", 3, 0.91),
            Accuracy("one-seed", 2, 0.90),
        });

        IReadOnlyList<string> reading = ComparisonReading.Sentences(results);

        Assert.Equal("steady has the highest mean test accuracy, 93.3 % over 3 seeds (next: noisy, 91.3 %); a higher mean alone is not a difference beyond seed noise.", reading[0]);
        Assert.Contains("steady is above joint on 3 of 3 seeds, +2.3 points [+0.9, +3.8]: beyond seed noise.", reading);
        Assert.Contains("noisy is not beyond seed noise against joint: +0.3 points [-5.9, +6.6], above on 1 and below on 1 of 3 seeds.", reading);
        Assert.Contains("one-seed vs joint: -2.0 points on one seed; one seed gives no interval, so no claim either way.", reading);
        Assert.Contains(reading, s => s.StartsWith("With 3 seeds the intervals are wide (Student's t = 4.30)", StringComparison.Ordinal));

        IReadOnlyList<string> gaps = ComparisonReading.Sentences(Gaps());
        Assert.Contains("joint's failure gap, +26.0 points [-24.8, +76.8] (largest on audio in 2 of 2 seeds), shows no modality failure beyond seed noise: " +
            "no modality's own gap excludes zero (gap(audio) +26.0 [-24.8, +76.8], gap(visual) +0.5 [-18.6, +19.6]); seed noise alone gives a failure gap of about 2.0 points here.", gaps);
        Assert.Contains("attr-reg's failure gap is +10.0 points on one seed (largest on visual in 1 of 1 seeds); no interval, so no claim.", gaps);
    }

    [Fact]
    public void Failure_is_claimed_per_modality_not_from_the_largest_of_noisy_gaps()
    {
        // Three seeds where neither modality is behind on average (audio +1.7, visual 0.0 with wide intervals) while the
        // largest of the two, 4, 3 and 3, has an interval above zero: taking a maximum of noise is not failure.
        // "lagging" leaves audio 30, 22 and 25 points behind on every seed.
        ComparisonRecord[] runs =
        {
            Run("audio-only", 1, 0.60, ownAudio: 0.60), Run("audio-only", 2, 0.60, ownAudio: 0.60), Run("audio-only", 3, 0.60, ownAudio: 0.60),
            Run("visual-only", 1, 0.80, ownVisual: 0.80), Run("visual-only", 2, 0.80, ownVisual: 0.80), Run("visual-only", 3, 0.80, ownVisual: 0.80),
            Run("noisy", 1, 0.9, 0.56, 0.81), Run("noisy", 2, 0.9, 0.62, 0.77), Run("noisy", 3, 0.9, 0.57, 0.82),
            Run("lagging", 1, 0.9, 0.30, 0.80), Run("lagging", 2, 0.9, 0.38, 0.80), Run("lagging", 3, 0.9, 0.35, 0.80),
        };
        ComparisonResults results = ComparisonResults.Create(new[] { "audio-only", "visual-only", "noisy", "lagging" }, new[] { 1, 2, 3 }, new[] { "audio", "visual" }, runs);

        IntervalRow noisy = Charts.FailureGaps(results)!.Rows.Single(r => r.Label == "noisy");
        Assert.True(noisy.Low > 0, "the run gap's own interval excludes zero");
        IReadOnlyList<string> reading = ComparisonReading.Sentences(results);
        Assert.Contains(reading, s => s.StartsWith("noisy's failure gap, +3.3 points [+1.9, +4.8] (largest on audio in 2 of 3 seeds), shows no modality failure beyond seed noise", StringComparison.Ordinal));
        Assert.Contains(reading, s => s.StartsWith("lagging leaves audio behind its unimodal model beyond seed noise: gap(audio) +25.7 [", StringComparison.Ordinal));
        // Identical unimodal rows over seeds: seed noise gives no gap.
        Assert.Equal(0, results.FailureGapFloor!.Value, 12);
    }
}
