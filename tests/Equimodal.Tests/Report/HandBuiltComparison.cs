using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Reporting;
using Equimodal.Report;
using Equimodal.Training;
using SkiaSharp;

namespace Equimodal.Tests.Report;

/// <summary>Comparison folders with hand-chosen numbers, for the report tests (nothing is trained).</summary>
public static class HandBuiltComparison
{
    /// <summary>The methods, in the order of the comparison.</summary>
    public static readonly string[] Methods = { "audio-only", "visual-only", "joint", "attr-reg" };

    private static readonly int[] Seeds = { 1, 2, 3 };

    /// <summary>
    /// A comparison folder as compare writes it, with hand-chosen numbers: results.json, and per run a config.json,
    /// metrics.jsonl and results.json; joint seed 1 also has an explain figure.
    /// </summary>
    public static ComparisonResults Write(string folder)
    {
        var modalities = new[] { new ModalitySpec("audio", ModalityKind.Spectrogram, new long[] { 1, 16, 16 }), new ModalitySpec("visual", ModalityKind.Video, new long[] { 2, 3, 16, 16 }) };
        string[] classes = { "zero", "one", "two" };
        var records = new List<ComparisonRecord>();
        foreach (string method in Methods)
        {
            foreach (int seed in Seeds)
            {
                int m = Array.IndexOf(Methods, method);
                // Not in the order of Methods, so sorting by accuracy has to move rows.
                double accuracy = new[] { 0.76, 0.60, 0.84, 0.68 }[m] + 0.01 * seed;
                var own = new Dictionary<string, double>();
                if (method != "visual-only") own["audio"] = method == "audio-only" ? accuracy : 0.45 + 0.05 * m + 0.01 * seed;
                if (method != "audio-only") own["visual"] = method == "visual-only" ? accuracy : 0.62 + 0.01 * seed;
                string runFolder = Path.Combine("runs", $"{method}-seed{seed}");
                records.Add(new ComparisonRecord
                {
                    Method = method, Seed = seed, RunFolder = runFolder, BestEpoch = 3, Accuracy = accuracy, MeanAveragePrecision = accuracy, MacroF1 = accuracy, MacroAuc = accuracy,
                    Diagnostics = new ModelDiagnostics
                    {
                        ModalityAccuracy = own, SecondsPerEpoch = 1 + m, SecondsPerStep = 0.1,
                        AccuracyMissing = own.Keys.ToDictionary(k => k, k => accuracy - 0.2),
                        AttributionShares = own.Count < 2 ? null : new Dictionary<string, double> { ["audio"] = 0.3, ["visual"] = 0.7 },
                    },
                });
                WriteRun(Path.Combine(folder, runFolder), method, seed, modalities.Where(s => own.ContainsKey(s.Name)).ToArray(), classes, accuracy);
            }
        }
        ComparisonResults results = ComparisonResults.Create(Methods, Seeds, new[] { "audio", "visual" }, records) with
        {
            Command = "equimodal compare --methods audio-only,visual-only,joint,attr-reg --seeds 3 --out compare",
        };
        File.WriteAllText(Path.Combine(folder, Comparison.ResultsFile), System.Text.Json.JsonSerializer.Serialize(results, Json.Indented));
        WriteFigure(Path.Combine(folder, "runs", "joint-seed1", RunReport.ExplainFolder, "sample0.png"));
        return results;
    }

    private static void WriteRun(string path, string method, int seed, IReadOnlyList<ModalitySpec> modalities, IReadOnlyList<string> classes, double accuracy)
    {
        var folder = new RunFolder(path);
        folder.Start(new RunConfig { Method = method, Training = new TrainingOptions { Seed = seed, Epochs = 3 }, Modalities = modalities, ClassNames = classes });
        var own = modalities.ToDictionary(m => m.Name, _ => accuracy - 0.1);
        var shares = modalities.Count < 2 ? new Dictionary<string, double>() : new Dictionary<string, double> { ["audio"] = 0.4, ["visual"] = 0.6 };
        var history = Enumerable.Range(1, 3).Select(epoch => new EpochRecord
        {
            Epoch = epoch, TrainLoss = 1.2 / epoch, TrainAccuracy = accuracy - 0.1 / epoch,
            Validation = new EvaluationResult { Accuracy = accuracy - 0.05 / epoch, Loss = 1.3 / epoch, ModalityAccuracy = own, AttributionShares = shares },
        }).ToArray();
        foreach (EpochRecord record in history) folder.AppendEpoch(record);
        var test = new EvaluationResult
        {
            Samples = 30, Accuracy = accuracy, Loss = 0.5, MeanAveragePrecision = accuracy, MacroF1 = accuracy, MacroAuc = accuracy,
            ConfusionMatrix = new[] { new[] { 8, 1, 1 }, new[] { 2, 7, 1 }, new[] { 0, 1, 9 } }, ModalityAccuracy = own, AttributionShares = shares,
        };
        folder.WriteResults(new TrainingResult { Method = method, Modalities = modalities.Select(m => m.Name).ToArray(), BestEpoch = 3, Validation = history[^1].Validation, Test = test, TrainSeconds = 3 });
    }

    private static void WriteFigure(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(320, 120);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = new SKColor(0, 114, 178) };
            canvas.DrawRect(20, 20, 120, 80, paint);
        }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }
}
