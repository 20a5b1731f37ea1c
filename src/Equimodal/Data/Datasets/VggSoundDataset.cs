using System.Globalization;
using Equimodal.Data.Audio;

namespace Equimodal.Data.Datasets;

/// <summary>
/// VGGSound: the public <c>vggsound.csv</c> (<c>youtube_id,start_seconds,label,split</c>, header optional) with
/// <c>audio/{youtube_id}_{start:06d}.wav</c> and frame folders <c>frames/{youtube_id}_{start:06d}/</c>. Copies are always
/// incomplete: listed clips without files are counted in one notice and left out. Classes are the labels of the CSV, sorted.
/// </summary>
public static class VggSoundDataset
{
    /// <summary>The list file name.</summary>
    public const string ListFile = "vggsound.csv";

    /// <summary>Folder of WAV files.</summary>
    public const string AudioFolder = "audio";

    /// <summary>Folder of per-clip frame folders.</summary>
    public const string FramesFolder = "frames";

    /// <summary>The clip name of a CSV row: <c>{youtube_id}_{start:06d}</c>.</summary>
    public static string ClipName(string youtubeId, int startSeconds) => $"{youtubeId}_{startSeconds:D6}";

    /// <summary>Loads the dataset under <paramref name="root"/>, reading inputs as <paramref name="recorded"/> (a run's preprocessing) says when given.</summary>
    public static DatasetSplits Load(string root, DataLoadingOptions options, DatasetPreprocessing? recorded = null)
    {
        string list = Path.Combine(root, ListFile);
        string[] columns = { "youtube_id", "start_seconds", "label", "split" };
        var entries = new List<ClipEntry>();
        int missing = 0;
        foreach (TableRow row in CsvTable.Read(list, columns, columns))
        {
            if (!int.TryParse(row["start_seconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int start) || start < 0)
                throw new DataFileException(list, $"start_seconds '{row["start_seconds"]}' is not a non-negative whole number", row.Line);
            string clip = ClipName(row["youtube_id"], start);
            string audio = Path.Combine(root, AudioFolder, clip + ".wav");
            string frames = Path.Combine(root, FramesFolder, clip);
            if (!File.Exists(audio) || !Directory.Exists(frames))
            {
                missing++;
                continue;
            }
            entries.Add(new ClipEntry(clip, row["label"], row["split"], new[] { audio, frames }, list, row.Line));
        }
        string[] classes = entries.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        string[] notices = missing == 0 ? Array.Empty<string>() : new[] { $"{list}: {missing} listed clip(s) have no audio or frame folder and are left out; {entries.Count} found." };
        var readers = new IModalityReader[]
        {
            RecordedReaders.Of("audio", recorded, () => new SpectrogramReader("audio", options.Spectrogram ?? new SpectrogramSettings())),
            RecordedReaders.Of("visual", recorded, () => new FrameClipReader("visual", options.Image)),
        };
        return ClipDatasetBuilder.Build(entries, classes, readers, options, notices);
    }
}
