using System.Text.Json.Nodes;
using Equimodal.Reporting;
using Equimodal.Report;
using SkiaSharp;
using Xunit.Abstractions;

namespace Equimodal.Tests.Report;

/// <summary>The reports of a hand-built comparison and of one of its runs, opened in headless Chromium.</summary>
public class ReportBrowserTests(ITestOutputHelper output)
{
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
            const wasOpen = folded.open;
            folded.open = true;
            expanded = { visibleTables: [...folded.querySelectorAll('table')].filter(visible).length, runLinks: [...folded.querySelectorAll('a[href$="report.html"]')].map(a => a.getAttribute('href')) };
            folded.open = wasOpen;
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
        ComparisonResults results = HandBuiltComparison.Write(folder);
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

        // Printed (A4 landscape, about 1000 CSS pixels): the beforeprint handler opens the folded parts, and the print style
        // fits every table to the page without scroll boxes.
        await browser.ViewportAsync(1000, 700);
        await browser.MediaAsync("print");
        await browser.EvaluateAsync("window.dispatchEvent(new Event('beforeprint')); true");
        JsonNode printed = (await browser.EvaluateAsync(Inspect))!;
        Assert.Empty(browser.Problems);
        Assert.Equal(5, (int)printed["visibleTables"]!);
        Assert.True((int)printed["pageWidth"]! <= (int)printed["viewportWidth"]! + 1, printed.ToJsonString());
        SaveScreenshot(await browser.ScreenshotAsync(), "comparison-report-printed.png");
        await browser.MediaAsync("");

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
        Assert.True(bitmap.Width >= 780 && bitmap.Height > 900, $"{name}: {bitmap.Width}x{bitmap.Height}");
        string path = Path.Combine(TestData.TempFolder(), name);
        File.WriteAllBytes(path, png);
        output.WriteLine($"screenshot: {path}");
    }
}
