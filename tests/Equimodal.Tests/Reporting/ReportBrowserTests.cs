using System.Text.Json.Nodes;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Reporting;
using Equimodal.Reporting.Report;
using Equimodal.Training;
using SkiaSharp;
using Xunit.Abstractions;

namespace Equimodal.Tests.Reporting;

/// <summary>The reports of a hand-built comparison and of one of its runs, opened in headless Chromium.</summary>
public class ReportBrowserTests(ITestOutputHelper output)
{
    private static readonly string[] Methods = { "audio-only", "visual-only", "joint", "attr-reg" };
    private static readonly int[] Seeds = { 1, 2, 3 };

    // What the page reports: which tables, charts and images are there and visible, the text alternatives, whether
    // anything is wider than the viewport, and the method order after sorting the results table by accuracy.
    private const string Inspect = """
        (() => {
          const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && e.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }); };
          const charts = [...document.querySelectorAll('figure svg[role=img]')];
          const images = [...document.querySelectorAll('img')];
          const sections = [...document.querySelectorAll('section')].map(s => s.id);
          let sorted = null;
          const results = document.querySelector('#results table.sortable');
          if (results) {
            const header = [...results.tHead.rows[0].cells].findIndex(c => c.textContent === 'accuracy');
            results.tHead.rows[0].cells[header].click();
            sorted = [...results.tBodies[0].rows].map(r => r.cells[0].textContent);
          }
          const folded = document.querySelector('#results details');
          let expanded = null;
          if (folded) {
            folded.open = true;
            expanded = { visibleTables: [...folded.querySelectorAll('table')].filter(visible).length, runLinks: [...folded.querySelectorAll('a[href$="report.html"]')].map(a => a.getAttribute('href')) };
            folded.open = false;
          }
          return {
            sections,
            expanded,
            visibleTables: [...document.querySelectorAll('table')].filter(visible).length,
            charts: charts.length,
            visibleCharts: charts.filter(visible).length,
            chartsWithText: charts.filter(s => s.querySelector('title')?.textContent && s.querySelector('desc')?.textContent).length,
            images: images.length,
            loadedImages: images.filter(i => visible(i) && i.complete && i.naturalWidth > 0 && i.alt.length > 0).length,
            readingItems: document.querySelectorAll('#reading li').length,
            pageWidth: document.documentElement.scrollWidth,
            viewportWidth: window.innerWidth,
            sorted,
          };
        })()
        """;

    [SkippableFact]
    public async Task The_comparison_and_run_reports_load_without_errors_or_requests_and_show_their_tables_charts_and_figures()
    {
        Skip.IfNot(File.Exists(HeadlessChromium.Executable), $"{HeadlessChromium.Executable} is not installed (apt-get install -y chromium): the report is not checked in a browser.");
        string folder = TestData.TempFolder();
        ComparisonResults results = HandBuiltComparison(folder);
        string comparisonReport = ComparisonReport.Write(folder);
        string runReport = Path.Combine(folder, "runs", "joint-seed1", Html.ReportFile);
        Assert.True(File.Exists(runReport));
        Assert.DoesNotContain("http://", File.ReadAllText(comparisonReport).Replace("http://www.w3.org/2000/svg", ""));

        await using HeadlessChromium browser = await HeadlessChromium.StartAsync();
        await browser.ViewportAsync(1200, 900);
        await browser.OpenAsync(comparisonReport);
        JsonNode page = (await browser.EvaluateAsync(Inspect))!;
        output.WriteLine(page.ToJsonString());
        Assert.Empty(browser.Problems);
        Assert.Equal(new[] { "reading", "results", "accuracy", "failure-gap", "curves", "settings" }, page["sections"]!.AsArray().Select(s => (string?)s));
        // Results, paired differences, failure gaps (the per-seed table and the settings are folded until expanded).
        Assert.Equal(3, (int)page["visibleTables"]!);
        // Accuracy, paired differences, failure gaps, and per modality its validation accuracy and share.
        Assert.Equal(7, (int)page["charts"]!);
        Assert.Equal(7, (int)page["visibleCharts"]!);
        Assert.Equal(7, (int)page["chartsWithText"]!);
        Assert.True((int)page["readingItems"]! >= 5);
        // Expanded: the per-seed table with a link to each run's report.
        Assert.Equal(1, (int)page["expanded"]!["visibleTables"]!);
        Assert.Equal(results.Runs.Select(r => $"runs/{r.Method}-seed{r.Seed}/report.html"), page["expanded"]!["runLinks"]!.AsArray().Select(s => (string?)s));
        Assert.True((int)page["pageWidth"]! <= (int)page["viewportWidth"]!);
        string[] ascending = results.Summary.OrderBy(s => s.Metrics["accuracy"].Mean).Select(s => s.Method).ToArray();
        Assert.Equal(new[] { "visual-only", "attr-reg", "audio-only", "joint" }, ascending);
        Assert.Equal(ascending, page["sorted"]!.AsArray().Select(s => (string?)s));
        SaveScreenshot(await browser.ScreenshotAsync(), "comparison-report.png");

        // A phone: nothing but the tables' own scroll boxes may be wider than the screen.
        await browser.ViewportAsync(390, 800);
        await browser.OpenAsync(comparisonReport);
        JsonNode phone = (await browser.EvaluateAsync(Inspect))!;
        Assert.Empty(browser.Problems);
        Assert.True((int)phone["pageWidth"]! <= (int)phone["viewportWidth"]!, phone.ToJsonString());

        await browser.ViewportAsync(1200, 900);
        await browser.OpenAsync(runReport);
        JsonNode run = (await browser.EvaluateAsync(Inspect))!;
        output.WriteLine(run.ToJsonString());
        Assert.Empty(browser.Problems);
        Assert.Equal(new[] { "test", "diagnostics", "curves", "attribution", "configuration" }, run["sections"]!.AsArray().Select(s => (string?)s));
        // Test metrics, confusion matrix, diagnostics (the configuration is folded).
        Assert.Equal(3, (int)run["visibleTables"]!);
        Assert.Equal(3, (int)run["visibleCharts"]!);
        Assert.Equal(3, (int)run["chartsWithText"]!);
        Assert.Equal(1, (int)run["images"]!);
        Assert.Equal(1, (int)run["loadedImages"]!);
        SaveScreenshot(await browser.ScreenshotAsync(), "run-report.png");
    }

    private void SaveScreenshot(byte[] png, string name)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        Assert.True(bitmap.Width >= 1000 && bitmap.Height > 900, $"{name}: {bitmap.Width}x{bitmap.Height}");
        string path = Path.Combine(TestData.TempFolder(), name);
        File.WriteAllBytes(path, png);
        output.WriteLine($"screenshot: {path}");
    }

    /// <summary>
    /// A comparison folder as compare writes it, with hand-chosen numbers: results.json, and per run a config.json,
    /// metrics.jsonl and results.json; joint seed 1 also has an explain figure.
    /// </summary>
    private static ComparisonResults HandBuiltComparison(string folder)
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
