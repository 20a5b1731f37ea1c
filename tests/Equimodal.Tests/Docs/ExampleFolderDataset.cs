using Equimodal.Tests.Data;
using SkiaSharp;

namespace Equimodal.Tests.Docs;

/// <summary>
/// The folder dataset the README's examples read (<c>my-data</c>): three classes, each a tone (WAV) and a 28 x 28 grey
/// image whose brightness follows the class, laid out as the README's manifest shows.
/// </summary>
public static class ExampleFolderDataset
{
    private static readonly string[] Classes = { "bird", "cat", "dog" };

    /// <summary>Writes the dataset into <paramref name="folder"/> (<paramref name="perClass"/> samples per class, a quarter of them test); returns the manifest path.</summary>
    public static string Write(string folder, int perClass = 8)
    {
        var lines = new List<string> { "id,label,split,audio,visual" };
        for (int c = 0; c < Classes.Length; c++)
        {
            for (int k = 0; k < perClass; k++)
            {
                string id = $"s{c}{k:00}";
                TestMedia.WriteTone(Path.Combine(folder, "wav", id + ".wav"), 300 + 200 * c + 5 * k, 8000, 0.25);
                byte grey = (byte)(60 + 80 * c + k);
                TestMedia.WriteImage(Path.Combine(folder, "img", id + ".png"), 28, 28, new SKColor(grey, grey, grey), new SKColor(0, 0, 0));
                lines.Add($"{id},{Classes[c]},{(k < perClass / 4 ? "test" : "train")},wav/{id}.wav,img/{id}.png");
            }
        }
        string manifest = Path.Combine(folder, "manifest.csv");
        File.WriteAllLines(manifest, lines);
        return manifest;
    }
}
