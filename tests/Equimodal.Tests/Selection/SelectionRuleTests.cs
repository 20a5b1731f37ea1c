using Equimodal.Evaluation;
using Equimodal.Selection;
using Equimodal.Training;

namespace Equimodal.Tests.Selection;

public class SelectionRuleTests
{
    private static readonly SelectionRule Rule = new(SelectionRule.DefaultMaxFailureGap);

    [Fact]
    public void Candidates_within_the_gap_rank_first_by_accuracy_ties_to_the_smaller_gap()
    {
        CandidateScore[] scores =
        {
            new("a", 0.90, 0.05), new("b", 0.88, 0.01), new("c", 0.85, null), new("d", 0.88, 0.0), new("e", 0.70, 0.03),
        };
        Assert.Equal(new[] { "d", "b", "c", "a", "e" }, Rule.Rank(scores).Select(s => s.Name));
        Assert.True(Rule.WithinGap(new CandidateScore("edge", 0.5, 0.02)));
    }

    [Fact]
    public void The_reason_names_the_more_accurate_candidate_the_gap_excluded()
    {
        IReadOnlyList<CandidateScore> ranked = Rule.Rank(new CandidateScore[] { new("joint", 0.90, 0.20), new("mbsd", 0.86, 0.01) });
        string reason = Rule.Explain(ranked, epochs: 4);
        Assert.Equal("mbsd has the best validation accuracy after 4 epoch(s), 86.0 %, among the 1 of 2 finalists whose validation failure gap is at most 2.0 points " +
            "(its gap: 1.0 points); joint was more accurate (90.0 %) but its gap of 20.0 points shows a modality it left undertrained.", reason);
    }

    [Fact]
    public void With_the_validation_size_the_reason_gives_the_lead_over_the_next_candidate_in_samples()
    {
        IReadOnlyList<CandidateScore> ranked = Rule.Rank(new CandidateScore[] { new("mla", 0.9444, 0.01), new("mbsd", 0.9370, 0.0), new("joint", 0.96, 0.20) });
        // 0.74 points of 270 samples: 2 samples.
        Assert.EndsWith(" It led the next candidate, mbsd, by 0.7 points: 2 of 270 validation samples.", Rule.Explain(ranked, 2, validationSamples: 270));
        Assert.DoesNotContain("validation samples", Rule.Explain(ranked, 2));
        // A next candidate ranked lower for its gap but more accurate is not a lead; nor is a task scored by another metric.
        IReadOnlyList<CandidateScore> excluded = Rule.Rank(new CandidateScore[] { new("joint", 0.90, 0.20), new("mbsd", 0.86, 0.01) });
        Assert.DoesNotContain("validation samples", Rule.Explain(excluded, 4, 270));
        Assert.DoesNotContain("validation samples", new SelectionRule(0.02, "CCC").Explain(ranked, 2, 270));
    }

    [Fact]
    public void Without_a_candidate_within_the_gap_accuracy_alone_decides()
    {
        IReadOnlyList<CandidateScore> ranked = Rule.Rank(new CandidateScore[] { new("joint", 0.80, 0.20), new("umt", 0.85, 0.10) });
        Assert.Equal("umt", ranked[0].Name);
        Assert.Contains("none had a validation failure gap of at most 2.0 points, so accuracy alone decided (its gap: 10.0 points)", Rule.Explain(ranked, 2));
    }

    [Fact]
    public void A_rung_scores_the_first_best_epoch_within_it_against_references_of_the_same_length()
    {
        EpochRecord[] curve = { Epoch(1, 0.5, 0.4, 0.1), Epoch(2, 0.7, 0.6, 0.3), Epoch(3, 0.7, 0.1, 0.1), Epoch(4, 0.8, 0.6, 0.5) };
        EpochRecord best = MethodSelection.BestWithin(curve, 3);
        Assert.Equal(2, best.Epoch);
        CandidateScore score = MethodSelection.Score("x", best, new Dictionary<string, double> { ["audio"] = 0.62, ["visual"] = 0.5 });
        Assert.Equal(0.7, score.Accuracy);
        Assert.Equal(0.2, score.FailureGap!.Value, 12);
        Assert.Null(MethodSelection.Score("x", best, new Dictionary<string, double>()).FailureGap);
    }

    internal static EpochRecord Epoch(int epoch, double accuracy, double audio, double visual) => new()
    {
        Epoch = epoch,
        Validation = new EvaluationResult { Accuracy = accuracy, ModalityAccuracy = new Dictionary<string, double> { ["audio"] = audio, ["visual"] = visual } },
    };
}
