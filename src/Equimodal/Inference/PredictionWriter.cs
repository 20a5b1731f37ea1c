using System.Globalization;
using System.Text.Json;

namespace Equimodal.Inference;

/// <summary>
/// Writes predictions as CSV (columns id, missing, then class_i and p_i for the top k, then share_{modality}) or as JSON
/// Lines (one object per sample: id, missing, top, shares), the format chosen by the file extension (.jsonl or .csv).
/// </summary>
public static class PredictionWriter
{
    /// <summary>Writes <paramref name="predictions"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classNames, IReadOnlyList<string> modalities, int topK)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        int k = Math.Min(topK, classNames.Count);
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

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
