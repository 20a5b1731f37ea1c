using System.Globalization;
using System.Text.Json;

namespace Equimodal.Inference;

/// <summary>
/// Writes predictions as CSV (columns id, missing, then class_i and p_i for the top k, then share_{modality}) or as JSON
/// Lines (one object per sample: id, missing, top, shares), the format chosen by the file extension (.jsonl or .csv).
/// Multi-label: <c>labels</c> (the predicted set, <c>;</c>-separated) and <c>p_LABEL</c> per label (JSON: labels and
/// probabilities); regression: one column per target with the predicted value (JSON: predicted).
/// </summary>
public static class PredictionWriter
{
    /// <summary>Writes <paramref name="predictions"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classNames, IReadOnlyList<string> modalities, int topK)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        int k = Math.Min(topK, classNames.Count);
        if (predictions.Count > 0 && predictions[0].Task != Tasks.TaskKind.Classification)
        {
            File.WriteAllLines(path, path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
                ? predictions.Select(p => TaskJsonLine(p, classNames, modalities))
                : new[] { TaskHeader(predictions[0].Task, classNames, modalities) }.Concat(predictions.Select(p => TaskCsvLine(p, classNames))));
            return;
        }
        File.WriteAllLines(path, path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            ? predictions.Select(p => JsonLine(p, classNames, modalities, k))
            : new[] { Header(modalities, k) }.Concat(predictions.Select(p => CsvLine(p, classNames, k))));
    }

    private static string Header(IReadOnlyList<string> modalities, int k) =>
        string.Join(",", new[] { "id", "missing" }.Concat(Enumerable.Range(1, k).SelectMany(i => new[] { $"class_{i}", $"p_{i}" })).Concat(modalities.Select(m => $"share_{m}")));

    private static string CsvLine(Prediction p, IReadOnlyList<string> classNames, int k) =>
        string.Join(",", new[] { p.Id, string.Join(";", p.Missing) }
            .Concat(p.Top(k).SelectMany(t => new[] { classNames[t.Class], Number(t.Probability) }))
            .Concat(p.Shares.Select(Number)));

    private static string JsonLine(Prediction p, IReadOnlyList<string> classNames, IReadOnlyList<string> modalities, int k) => JsonSerializer.Serialize(new
    {
        id = p.Id,
        missing = p.Missing,
        top = p.Top(k).Select(t => new { @class = classNames[t.Class], probability = Math.Round(t.Probability, 6) }),
        shares = modalities.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => Math.Round(p.Shares[x.i], 6)),
    });

    private static string TaskHeader(Tasks.TaskKind task, IReadOnlyList<string> outputs, IReadOnlyList<string> modalities) =>
        string.Join(",", new[] { "id", "missing" }
            .Concat(task == Tasks.TaskKind.MultiLabel ? outputs.Select(o => $"p_{o}").Prepend("labels") : outputs)
            .Concat(modalities.Select(m => $"share_{m}")));

    private static string TaskCsvLine(Prediction p, IReadOnlyList<string> outputs) =>
        string.Join(",", new[] { p.Id, string.Join(";", p.Missing) }
            .Concat(p.Task == Tasks.TaskKind.MultiLabel ? p.Probabilities.Select(Number).Prepend(string.Join(";", p.PredictedLabels.Select(i => outputs[i]))) : p.Probabilities.Select(Number))
            .Concat(p.Shares.Select(Number)));

    private static string TaskJsonLine(Prediction p, IReadOnlyList<string> outputs, IReadOnlyList<string> modalities)
    {
        var values = outputs.Select((o, i) => (o, i)).ToDictionary(x => x.o, x => Math.Round(p.Probabilities[x.i], 6));
        var shares = modalities.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => Math.Round(p.Shares[x.i], 6));
        return p.Task == Tasks.TaskKind.MultiLabel
            ? JsonSerializer.Serialize(new { id = p.Id, missing = p.Missing, labels = p.PredictedLabels.Select(i => outputs[i]), probabilities = values, shares })
            : JsonSerializer.Serialize(new { id = p.Id, missing = p.Missing, predicted = values, shares });
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
