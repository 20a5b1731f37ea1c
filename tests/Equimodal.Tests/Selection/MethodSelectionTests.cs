using System.Text.Json.Nodes;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Selection;
using Equimodal.Tests.Experiments;
using Equimodal.Tests.Training;
using Equimodal.Training;
using static Equimodal.Tests.Selection.SelectionRuleTests;

namespace Equimodal.Tests.Selection;

public class MethodSelectionTests
{
    private static readonly RunConfig Tiny = ComparisonTests.Tiny with { Training = ComparisonTests.Tiny.Training with { Epochs = 3, Seed = 5 } };

    private static readonly string[] References = { "audio-only", "visual-only" };

    // Rungs for 3 candidates over 3 epochs within 4 full runs: 3 candidates after 1 epoch, 2 after 2; references to 2 epochs.
    // No grace period, so that the selection crosses a rung boundary (two epochs each would leave no room for a second rung).
    private static MethodSelection TinySelection(string folder) =>
        new(Tiny, new[] { "joint", "attr-reg", "mbsd" }, References, folder, new SelectionSettings { BudgetRuns = 4, GraceEpochs = 1 });

    [Fact]
    public void The_grace_period_keeps_a_late_winner_that_a_one_epoch_first_rung_cuts()
    {
        RunConfig fourEpochs = Tiny with { Training = Tiny.Training with { Epochs = 4 } };
        string[] candidates = { "joint", "mbsd", "attr-reg", "umt" };
        MethodSelection Select(int grace) => new(fourEpochs, candidates, Array.Empty<string>(), TestData.TempFolder(),
            new SelectionSettings { BudgetRuns = 2.5, GraceEpochs = grace });
        // UMT is last after one epoch and first from the second on.
        void WriteCurves(MethodSelection selection)
        {
            Write(selection, "joint", Curve(0.70, 0.72));
            Write(selection, "mbsd", Curve(0.68, 0.70));
            Write(selection, "attr-reg", Curve(0.66, 0.74));
            Write(selection, "umt", Curve(0.60, 0.80));
        }

        MethodSelection oneEpoch = Select(grace: 1);
        // Within 10 epochs: 4 after 1 epoch, 2 after 2, the winner to 4 (8 epochs); two epochs each would not leave room for a second rung.
        Assert.Equal(new[] { new Rung(1, 4), new Rung(2, 2) }, oneEpoch.Schedule.Rungs);
        WriteCurves(oneEpoch);
        SelectionStage cut = oneEpoch.NextStage();
        Assert.Equal(new[] { "joint", "mbsd" }, cut.Decided[0].Kept);
        Assert.Equal("joint", cut.Winner);

        MethodSelection graced = Select(grace: 2);
        // Two epochs each, then the best one's run: 4*2 + 2 = 10 epochs.
        Assert.Equal(new[] { new Rung(2, 4) }, graced.Schedule.Rungs);
        Assert.Equal(10, graced.Schedule.TotalEpochs);
        WriteCurves(graced);
        SelectionStage kept = graced.NextStage();
        Assert.Equal("umt", kept.Winner);
        Assert.Equal(new[] { "umt", "attr-reg", "joint", "mbsd" }, kept.Decided[0].Ranking.Select(s => s.Name));
        Assert.Equal(new[] { "umt@" }, kept.Jobs.Select(j => $"{j.Run.Method}@{j.PauseAfterEpoch}"));
    }

    [Fact]
    public void Rungs_are_decided_from_the_validation_curves_and_the_gap_cuts_the_most_accurate_candidate()
    {
        string folder = TestData.TempFolder();
        var selection = new MethodSelection(Tiny with { Training = Tiny.Training with { Epochs = 4 } }, new[] { "joint", "attr-reg", "mbsd", "umt" },
            References, folder, new SelectionSettings { BudgetRuns = 3 });
        Assert.Equal(new[] { new Rung(1, 4), new Rung(2, 2) }, selection.Schedule.Rungs);

        SelectionStage first = selection.NextStage();
        Assert.Equal("rung 0", first.Name);
        Assert.Equal(new[] { "joint@1", "attr-reg@1", "mbsd@1", "umt@1", "audio-only@2", "visual-only@2" }, first.Jobs.Select(j => $"{j.Run.Method}@{j.PauseAfterEpoch}"));

        Write(selection, "audio-only", Curve(0.5, 0.6));
        Write(selection, "visual-only", Curve(0.4, 0.5));
        // Rung 0 (references after 1 epoch: audio 50 %, visual 40 %): joint is the most accurate but its vision lags by 30 points.
        Write(selection, "joint", Epoch(1, 0.70, 0.5, 0.1));
        Write(selection, "attr-reg", Epoch(1, 0.65, 0.5, 0.39), Epoch(2, 0.75, 0.6, 0.5));
        Write(selection, "mbsd", Epoch(1, 0.68, 0.49, 0.40));
        Write(selection, "umt", Epoch(1, 0.60, 0.3, 0.2));

        SelectionStage second = selection.NextStage();
        Assert.Equal("rung 1", second.Name);
        Assert.Equal(new[] { "mbsd", "attr-reg", "joint", "umt" }, second.Decided[0].Ranking.Select(s => s.Name));
        Assert.Equal(new[] { "attr-reg", "mbsd" }, second.Decided[0].Kept);
        Assert.Equal(0.3, second.Decided[0].Ranking[2].FailureGap!.Value, 12);
        Assert.Equal(new[] { "attr-reg@2", "mbsd@2" }, second.Jobs.Select(j => $"{j.Run.Method}@{j.PauseAfterEpoch}"));
        Assert.True(MethodSelection.IsDone(second.Jobs[0]));
        Assert.False(MethodSelection.IsDone(second.Jobs[1]));

        Write(selection, "mbsd", Epoch(1, 0.68, 0.49, 0.40), Epoch(2, 0.70, 0.6, 0.49));
        SelectionStage final = selection.NextStage();
        Assert.Equal("final", final.Name);
        Assert.Equal("attr-reg", final.Winner);
        Assert.Equal(new[] { "attr-reg" }, final.Decided[1].Kept);
        // The references stopped before the full schedule, so the final stage trains the winner only.
        Assert.Equal(new[] { "attr-reg" }, final.Jobs.Select(j => j.Run.Method));
        Assert.Null(final.Jobs[0].PauseAfterEpoch);
        Assert.StartsWith("attr-reg has the best validation accuracy after 2 epoch(s), 75.0 %, among the 2 of 2 finalists", final.Reason);

        string plan = selection.WritePlan();
        Assert.Equal("index\tstage\trow\tepochs\tdone\tfolder\n0\tfinal\tattr-reg\tfull\tno\truns/attr-reg-seed5\n", plan);
        Assert.Equal(final.Jobs[0], selection.JobAt("0"));
        Assert.Contains("lines are 0 to 0", Assert.Throws<ArgumentException>(() => selection.JobAt("1")).Message);
    }

    [Fact]
    public void A_tiny_selection_trains_the_rungs_then_the_winner_to_the_same_model_as_an_uninterrupted_full_run()
    {
        string folder = TestData.TempFolder();
        MethodSelection selection = TinySelection(folder);
        SelectionReport report = selection.Run(TestData.Small);

        Assert.Equal("complete", report.Status);
        Assert.Equal(10, selection.Schedule.TotalEpochs);
        Assert.Equal(10, report.Compute.Epochs);
        Assert.True(report.Compute.FullRuns <= report.BudgetRuns, $"{report.Compute.FullRuns} full runs spent of a budget of {report.BudgetRuns}");
        string winner = report.Winner!;
        Assert.Equal(report.Rungs[1].Kept, new[] { winner });
        foreach (CandidateRecord candidate in report.Candidates)
        {
            var runFolder = new RunFolder(Path.Combine(folder, candidate.RunFolder));
            // Only the winner is evaluated on test; the others stopped where they were cut.
            Assert.Equal(candidate.Name == winner, runFolder.IsFinished);
            Assert.Equal(candidate.Name == winner ? 3 : selection.Schedule.Rungs[candidate.LastRung].Epochs, candidate.ValidationCurve.Count);
        }
        Assert.All(report.References, reference => Assert.Equal(2, reference.Epochs));
        Assert.Null(report.Final!.TestFailureGap);

        ComparisonRun winnerRun = selection.Candidates.First(run => run.Method == winner);
        TrainingResult full = Experiment.Run(winnerRun.Config, TestData.Small, Path.Combine(TestData.TempFolder(), "full"));
        Assert.Equal(full.Test.Accuracy, report.Final.Test.Accuracy);
        Assert.Equal(full.History.Select(e => e.Validation.Accuracy), report.Candidates.First(c => c.Name == winner).ValidationCurve);
        Assert.Contains($"**Selected: {winner}**", File.ReadAllText(Path.Combine(folder, MethodSelection.MarkdownFile)));
    }

    [Fact]
    public void An_interrupted_selection_resumes_to_the_same_selection_json()
    {
        string uninterrupted = TestData.TempFolder();
        TinySelection(uninterrupted).Run(TestData.Small);

        string interrupted = TestData.TempFolder();
        // Stops in the second rung, halfway through an epoch of the first candidate that continues.
        Assert.Throws<OperationCanceledException>(() => TinySelection(interrupted).Run(TestData.Small,
            job => job.Stage == "rung 1" ? new ResumeTests.StopAfter(5) : null));
        Assert.False(File.Exists(Path.Combine(interrupted, MethodSelection.JsonFile)));
        TinySelection(interrupted).Run(TestData.Small);

        Assert.Equal(WithoutTimes(uninterrupted), WithoutTimes(interrupted));
    }

    // Seconds are measured, so they differ between two runs; everything else must not.
    private static string WithoutTimes(string folder)
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, MethodSelection.JsonFile)))!;
        json["compute"]!.AsObject().Remove("trainSeconds");
        return json.ToJsonString();
    }

    private static void Write(MethodSelection selection, string row, params EpochRecord[] records)
    {
        string folder = selection.Candidates.Concat(selection.References).First(run => run.Method == row).Folder;
        Directory.CreateDirectory(folder);
        new RunFolder(folder).RewriteMetrics(records);
    }

    private static EpochRecord[] Curve(params double[] accuracies) => accuracies.Select((accuracy, i) => new EpochRecord
    {
        Epoch = i + 1,
        Validation = new EvaluationResult { Accuracy = accuracy },
    }).ToArray();
}
