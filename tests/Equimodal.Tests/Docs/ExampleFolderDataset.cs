using Equimodal.Tests.Data;
using SkiaSharp;

namespace Equimodal.Tests.Docs;

/// <summary>
/// The folder datasets the README's examples read: <c>my-data</c>, three classes, each a tone (WAV) and a 28 x 28 grey
/// image whose brightness follows the class, laid out as the README's manifest shows; <c>my-scores</c>, the same files
/// with a number to predict (a <c>target</c> column: the class index plus a tenth per sample) instead of a class.
/// </summary>
public static class ExampleFolderDataset
{
    private static readonly string[] Classes = { "bird", "cat", "dog" };

    /// <summary>The fixture names the README's blocks give; the one ending in "scores" has a regression target.</summary>
    public static string Write(string folder, int perClass = 8) => Write(folder, perClass, withTarget: folder.EndsWith("scores", StringComparison.Ordinal));

    /// <summary>Writes the dataset into <paramref name="folder"/> (<paramref name="perClass"/> samples per class, a quarter of them test), with a class label or a <c>target</c> number; returns the manifest path.</summary>
    public static string Write(string folder, int perClass, bool withTarget)
    {
        var lines = new List<string> { withTarget ? "id,target,split,audio,visual" : "id,label,split,audio,visual" };
        for (int c = 0; c < Classes.Length; c++)
        {
            for (int k = 0; k < perClass; k++)
            {
                string id = $"s{c}{k:00}";
                TestMedia.WriteTone(Path.Combine(folder, "wav", id + ".wav"), 300 + 200 * c + 5 * k, 8000, 0.25);
                byte grey = (byte)(60 + 80 * c + k);
                TestMedia.WriteImage(Path.Combine(folder, "img", id + ".png"), 28, 28, new SKColor(grey, grey, grey), new SKColor(0, 0, 0));
                string label = withTarget ? (c + 0.1 * k).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : Classes[c];
                lines.Add($"{id},{label},{(k < perClass / 4 ? "test" : "train")},wav/{id}.wav,img/{id}.png");
            }
        }
        string manifest = Path.Combine(folder, "manifest.csv");
        File.WriteAllLines(manifest, lines);
        return manifest;
    }
}
