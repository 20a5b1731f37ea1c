using SkiaSharp;

namespace Equimodal.Tests.Data;

/// <summary>
/// A folder manifest of real WAV and PNG files whose labels need both modalities: sample i plays tone t = i mod 3 and
/// shows colour c = (i / 3) mod 3; its regression target <c>target:score</c> is t + c and its multi-label <c>labels</c>
/// are <c>tone{t};colour{c}</c>, plus a constant offset (AudioVisual's argument). 36 samples: 18 train, 9 validation, 9 test.
/// </summary>
public static class TaskLayouts
{
    private static readonly SKColor[] Colors = { SKColors.Red, SKColors.Green, SKColors.Blue };

    /// <summary>Writes the files and manifest.csv, each target shifted by <paramref name="scoreOffset"/> (-2: scores in [-2, 2] around 0, as a sentiment score); returns the root.</summary>
    public static string AudioVisual(int scoreOffset = 0)
    {
        string root = TestData.TempFolder();
        var rows = new List<string> { "id,split,sound,picture,labels,target:score" };
        for (int i = 0; i < 36; i++)
        {
            int tone = i % 3, colour = i / 3 % 3, repeat = i / 9;
            string split = repeat < 2 ? "train" : repeat == 2 ? "validation" : "test";
            TestMedia.WriteTone(Path.Combine(root, "audio", $"s{i}.wav"), 300 + 500 * tone, 8000, 0.2);
            TestMedia.WriteImage(Path.Combine(root, "images", $"s{i}.png"), 16, 16, Colors[colour]);
            rows.Add($"s{i},{split},audio/s{i}.wav,images/s{i}.png,tone{tone};colour{colour},{tone + colour + scoreOffset}");
        }
        File.WriteAllLines(Path.Combine(root, "manifest.csv"), rows);
        return root;
    }

    /// <summary>The target of each sample id, as the manifest lists it.</summary>
    public static Dictionary<string, double> Scores(string root) => File.ReadAllLines(Path.Combine(root, "manifest.csv")).Skip(1)
        .Select(l => l.Split(',')).ToDictionary(v => v[0], v => double.Parse(v[5], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The split of each sample id.</summary>
    public static Dictionary<string, string> Splits(string root) => File.ReadAllLines(Path.Combine(root, "manifest.csv")).Skip(1)
        .Select(l => l.Split(',')).ToDictionary(v => v[0], v => v[1]);
}
