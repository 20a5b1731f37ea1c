using System.Globalization;
using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Reporting;
using SkiaSharp;

namespace Equimodal.Tests.Cli;

public class ExplainCommandTests
{
    [Theory]
    [InlineData("ig")]
    [InlineData("kernelshap")]
    [InlineData("occlusion")]
    public void Explain_prints_shares_summing_to_one_and_writes_readable_pictures(string method)
    {
        string run = TestData.TempFolder();
        var config = new RunConfig
        {
            Dataset = new DatasetRequest { Synthetic = TestData.SmallSynthetic with { Samples = 120 } },
            Model = TestData.TinyModel with { Depth = 1 },
            Training = TestData.ShortTraining with { Epochs = 1 },
        };
        Experiment.Run(config, DatasetCatalog.Load(config.Dataset), run);
        string pictures = Path.Combine(run, "pictures");

        // Each method takes only its own options (the others are refused).
        IReadOnlyList<AttributionSetting> accepted = AttributionRegistry.Get(method).Settings;
        string[] options = accepted.Contains(AttributionSetting.Steps) ? new[] { "--steps", "4" } : accepted.Contains(AttributionSetting.Coalitions) ? new[] { "--coalitions", "64" } : Array.Empty<string>();
        var (code, output) = CliRunner.Run(new[] { "explain", "--run", run, "--count", "2", "--attribution", method, "--out", pictures }.Concat(options).ToArray());
        Assert.True(code == 0, output);

        string[] rows = output.Split('\n').Where(l => l.StartsWith("| 0 ") || l.StartsWith("| 1 ") || l.StartsWith("| mean ")).ToArray();
        Assert.Equal(3, rows.Length);
        foreach (string row in rows)
        {
            double[] shares = row.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).TakeLast(2)
                .Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.All(shares, s => Assert.InRange(s, 0, 1));
            Assert.Equal(1.0, shares.Sum(), 2);
        }

        string[] expected = { "sample0-audio.png", "sample0-visual-frame0.png", "sample0-visual-frame1.png", "sample1-audio.png", "sample1-visual-frame1.png" };
        foreach (string file in expected)
        {
            using SKBitmap? bitmap = SKBitmap.Decode(Path.Combine(pictures, file));
            Assert.NotNull(bitmap);
            Assert.True(Math.Min(bitmap!.Width, bitmap.Height) >= AttributionImages.MinimumSide);
        }
        // Besides the per-input pictures, one figure per sample, wider than its three panels side by side.
        Assert.Equal(8, Directory.GetFiles(pictures, "*.png").Length);
        using SKBitmap? figure = SKBitmap.Decode(Path.Combine(pictures, "sample0.png"));
        Assert.NotNull(figure);
        Assert.True(figure!.Width >= 3 * 160 && figure.Height > 160);
    }

    [Fact]
    public void Explain_rejects_an_unknown_attribution_listing_the_valid_ones()
    {
        var (code, output) = CliRunner.Run("explain", "--run", TestData.TempFolder(), "--attribution", "shap");
        Assert.Equal(2, code);
        Assert.Contains("Unknown attribution 'shap'", output);
        Assert.Contains("ig, gxi, saliency, occlusion, ablation, kernelshap, lime", output);
    }

    [Theory]
    [InlineData("--method", "ig", "--attribution")]
    [InlineData("--samples", "2", "--count")]
    public void Explain_names_the_new_flag_when_an_old_one_is_used(string old, string value, string renamed)
    {
        var (code, output) = CliRunner.Run("explain", "--run", TestData.TempFolder(), old, value);
        Assert.Equal(2, code);
        Assert.Contains($"it is now {renamed}", output);
    }
}
