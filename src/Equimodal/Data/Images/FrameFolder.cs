namespace Equimodal.Data.Images;

/// <summary>A clip stored as a folder of frame images (or a single image, read as a one-frame clip).</summary>
public static class FrameFolder
{
    /// <summary>All frame files of <paramref name="path"/> in name order; throws <see cref="DataFileException"/> when missing or empty.</summary>
    public static string[] List(string path)
    {
        if (File.Exists(path) && ImageReader.IsImage(path)) return new[] { path };
        if (!Directory.Exists(path)) throw new DataFileException(path, "frame folder not found");
        string[] frames = Directory.EnumerateFiles(path).Where(ImageReader.IsImage).Order(StringComparer.Ordinal).ToArray();
        if (frames.Length == 0) throw new DataFileException(path, $"frame folder holds no images ({string.Join(", ", ImageReader.Extensions)})");
        return frames;
    }

    /// <summary>
    /// <paramref name="count"/> frames spread evenly over the clip: the centre of each of <paramref name="count"/>
    /// equal segments; frames repeat when the clip is shorter than <paramref name="count"/>.
    /// </summary>
    public static string[] Pick(IReadOnlyList<string> frames, int count) =>
        Enumerable.Range(0, count).Select(i => frames[(int)((i + 0.5) * frames.Count / count)]).ToArray();
}
