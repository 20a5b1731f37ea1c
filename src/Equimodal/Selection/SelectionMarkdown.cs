using System.Globalization;
using System.Text;

namespace Equimodal.Selection;

/// <summary>selection.md: the decision and its reason, every candidate's rung scores and curve, compute and test metrics.</summary>
public static class SelectionMarkdown
{
    /// <summary>The summary of <paramref name="report"/>.</summary>
    public static string Write(SelectionReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("# Method selection").AppendLine();
        text.AppendLine(report.Winner is null ? $"Status: {report.Status}." : $"**Selected: {report.Winner}** ({report.Status}). {report.Reason}").AppendLine();
        text.AppendLine(report.Criterion).AppendLine();
        if (report.CandidateNote is not null) text.AppendLine(report.CandidateNote).AppendLine();
        string metric = report.MainMetric ?? "accuracy";
        string scaled = report.MainMetric is null ? "acc" : $"{metric} x100";
        text.AppendLine("## Candidates (validation)").AppendLine();
        var header = new List<string> { "candidate", "trains" };
        header.AddRange(report.Rungs.Select(r => $"rung {r.Rung} ({r.Epochs} ep): {scaled} / gap"));
        header.AddRange(new[] { "stopped after", report.MainMetric is null ? "validation curve (%)" : $"validation curve ({scaled})" });
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (CandidateRecord candidate in report.Candidates)
        {
            var cells = new List<string> { candidate.Name == report.Winner ? $"**{candidate.Name}**" : candidate.Name, candidate.Trains };
            cells.AddRange(report.Rungs.Select(rung => rung.Ranking.FirstOrDefault(s => s.Name == candidate.Name) is { } score ? Score(score) : ""));
            cells.Add(FormattableString.Invariant($"{candidate.Epochs} epoch(s)"));
            cells.Add(Curve(candidate.ValidationCurve));
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        foreach (RowRecord reference in report.References)
            text.AppendLine($"| {reference.Name} (reference) | {reference.Trains} |{string.Concat(report.Rungs.Select(_ => " |"))} {reference.Epochs} epoch(s) | {Curve(reference.ValidationCurve)} |");
        text.AppendLine();
        ComputeRecord compute = report.Compute;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Compute: {compute.Epochs} training epochs of {compute.PlannedEpochs} planned, {compute.FullRuns:0.##} full runs of {report.FullEpochs} epochs (budget {report.BudgetRuns:0.##}); {compute.TrainSeconds:0} s of training steps on this machine (UMT's teacher training not included)."));
        text.AppendLine();
        if (report.Final is { } final)
        {
            text.AppendLine("## The selected method's full run (test, evaluated once)").AppendLine();
            string gap = final.TestFailureGap is { } g ? $"test failure gap {Points(g)} points" : "test failure gap not measured (the references did not train the full schedule)";
            if (report.MainMetric is null)
            {
                string modalities = string.Join(", ", final.Test.ModalityAccuracy.Select(m => $"{m.Key} own logits {Percent(m.Value)} %"));
                text.AppendLine($"Test accuracy {Percent(final.Test.Accuracy)} %, macro F1 {Percent(final.Test.MacroF1)} %, mAP {Percent(final.Test.MeanAveragePrecision)} % " +
                    $"(weights of epoch {final.BestEpoch}, validation accuracy {Percent(final.ValidationAccuracy)} %); {modalities}; {gap}.");
            }
            else
            {
                string modalities = string.Join(", ", final.Test.ModalityAccuracy.Select(m => $"{m.Key} own head {metric} {Number(m.Value)}"));
                string metrics = string.Join(", ", final.Test.TaskMetrics.Select(m => $"{m.Key} {Number(m.Value)}"));
                text.AppendLine($"Test {metrics} (weights of epoch {final.BestEpoch}, validation {metric} {Number(final.ValidationAccuracy)}); {modalities}; {gap}.");
            }
        }
        return text.ToString();
    }

    private static string Score(CandidateScore score) => score.FailureGap is { } gap ? $"{Percent(score.Accuracy)} / {Points(gap)}" : $"{Percent(score.Accuracy)} / -";

    private static string Curve(IReadOnlyList<double> curve) => string.Join(" ", curve.Select(Percent));

    private static string Percent(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Number(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Points(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture);
}
