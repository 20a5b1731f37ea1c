using Equimodal.Data.Datasets;
using Equimodal.Tasks;

namespace Equimodal.Data;

/// <summary>Which dataset to load and how: the part of a run's configuration that names its data.</summary>
public sealed record DatasetRequest
{
    /// <summary>Dataset name (see <see cref="DatasetCatalog.Names"/>).</summary>
    public string Name { get; init; } = "synthetic";

    /// <summary>Folder of the data on disk, for datasets read from files.</summary>
    public string? Path { get; init; }

    /// <summary>Generator settings of the synthetic benchmark.</summary>
    public SyntheticOptions Synthetic { get; init; } = new();

    /// <summary>Settings of the datasets read from files (bad-sample policy, spectrogram, frames, validation split).</summary>
    public DataLoadingOptions Files { get; init; } = new();

    /// <summary>Knobs of the AV-Digits benchmark.</summary>
    public AvDigitsOptions AvDigits { get; init; } = new();
}

/// <summary>Loads datasets by name into train/validation/test splits.</summary>
public static class DatasetCatalog
{
    /// <summary>Valid dataset names.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "synthetic", "avdigits", "cremad", "vggsound", "folder" };

    /// <summary>Throws a clear error when the request names no known dataset or lacks a path it needs.</summary>
    public static void Validate(DatasetRequest request)
    {
        if (!Names.Contains(request.Name))
            throw new ArgumentException($"Unknown dataset '{request.Name}'. Valid datasets: {string.Join(", ", Names)}.");
        if (request.Name == "synthetic")
        {
            request.Synthetic.Validate();
            return;
        }
        if (string.IsNullOrWhiteSpace(request.Path)) throw new ArgumentException($"Dataset '{request.Name}' is read from disk: give its folder with --data PATH.");
        if (!System.IO.Path.Exists(request.Path)) throw new ArgumentException($"Data path '{request.Path}' does not exist (dataset '{request.Name}'; docs/data.md describes the layout).");
        request.Files.Validate();
        request.AvDigits.Validate();
    }

    /// <summary>Loads the requested dataset; statistics in <paramref name="fitted"/> (a run's recorded preprocessing) are reused instead of refitted.</summary>
    public static DatasetSplits Load(DatasetRequest request, DatasetPreprocessing? fitted = null)
    {
        Validate(request);
        DatasetSplits splits = request.Name switch
        {
            "avdigits" => AvDigitsDataset.Load(request.Path!, request.Files, request.AvDigits, fitted),
            "cremad" => CremaDDataset.Load(request.Path!, request.Files),
            "vggsound" => VggSoundDataset.Load(request.Path!, request.Files),
            "folder" => ManifestDataset.Load(request.Path!, request.Files),
            _ => SyntheticAudioVisual.Generate(request.Synthetic),
        };
        TaskKind served = splits.Train.Task;
        if (request.Files.Task.Kind is { } asked && asked != served)
        {
            throw new ArgumentException($"Dataset '{request.Name}' serves the {PredictionTask.NameOf(served)} task, not --task {PredictionTask.NameOf(asked)} "
                + "(a folder dataset's manifest says its task by its label columns: label, labels or target; docs/tasks.md).");
        }
        return splits with { Task = PredictionTask.Create(served, splits.ClassNames, request.Files.Task) };
    }
}
