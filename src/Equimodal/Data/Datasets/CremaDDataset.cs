using Equimodal.Data.Audio;

namespace Equimodal.Data.Datasets;

/// <summary>
/// CREMA-D in the layout of the OGM-GE code: <c>AudioWAV/{clip}.wav</c>, <c>Image-01-FPS/{clip}/</c> (frames at 1 fps),
/// and <c>train.csv</c> / <c>test.csv</c> listing <c>clip,label</c> (with or without a header). Validation is carved
/// from train (seeded, stratified), never from test. Audio uses the ogm-ge spectrogram preset unless told otherwise.
/// </summary>
public static class CremaDDataset
{
    /// <summary>The six emotion labels.</summary>
    public static readonly IReadOnlyList<string> Classes = new[] { "ANG", "DIS", "FEA", "HAP", "NEU", "SAD" };

    /// <summary>Folder of WAV files.</summary>
    public const string AudioFolder = "AudioWAV";

    /// <summary>Folder of per-clip frame folders.</summary>
    public const string FramesFolder = "Image-01-FPS";

    /// <summary>Loads the dataset under <paramref name="root"/>, reading inputs as <paramref name="recorded"/> (a run's preprocessing) says when given.</summary>
    public static DatasetSplits Load(string root, DataLoadingOptions options, DatasetPreprocessing? recorded = null)
    {
        string[] columns = { "clip", "label" };
        var entries = new List<ClipEntry>();
        foreach (string split in new[] { "train", "test" })
        {
            string list = Path.Combine(root, $"{split}.csv");
            entries.AddRange(CsvTable.Read(list, columns, columns).Select(row => new ClipEntry(row["clip"], row["label"], split,
                new[] { Path.Combine(root, AudioFolder, row["clip"] + ".wav"), Path.Combine(root, FramesFolder, row["clip"]) }, list, row.Line)));
        }
        var readers = new IModalityReader[]
        {
            RecordedReaders.Of("audio", recorded, () => new SpectrogramReader("audio", options.Spectrogram ?? SpectrogramSettings.OgmGe)),
            RecordedReaders.Of("visual", recorded, () => new FrameClipReader("visual", options.Image)),
        };
        return ClipDatasetBuilder.Build(entries, Classes, readers, options);
    }
}
