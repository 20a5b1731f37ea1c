using Equimodal.Data.Datasets;
using Equimodal.Tasks;

namespace Equimodal.Data;

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

    /// <summary>
    /// Loads the requested dataset. With <paramref name="fitted"/> (a run's recorded preprocessing) every input is read
    /// as the record says (spectrogram and image settings, pixel statistics, degradations) and its fitted statistics are
    /// reused instead of refitted; the request then only says where the data is and how it is split.
    /// </summary>
    public static DatasetSplits Load(DatasetRequest request, DatasetPreprocessing? fitted = null)
    {
        Validate(request);
        DatasetSplits splits = request.Name switch
        {
            "avdigits" => AvDigitsDataset.Load(request.Path!, request.Files, request.AvDigits, fitted),
            "cremad" => CremaDDataset.Load(request.Path!, request.Files, fitted),
            "vggsound" => VggSoundDataset.Load(request.Path!, request.Files, fitted),
            "folder" => ManifestDataset.Load(request.Path!, request.Files, fitted),
            _ => SyntheticAudioVisual.Generate(request.Synthetic),
        };
        TaskKind served = splits.Train.Task;
        if (request.Files.Task.Kind is { } asked && asked != served)
        {
            throw new ArgumentException($"Dataset '{request.Name}' serves the {PredictionTask.NameOf(served)} task, not --task {PredictionTask.NameOf(asked)} "
                + "(a folder dataset's manifest says its task by its label columns: label, labels or target; docs/tasks.md).");
        }
        if (request.Files.Task.ScoreRange is not null && served != TaskKind.Regression)
            throw new ArgumentException($"--score-range applies to a regression task; dataset '{request.Name}' serves the {PredictionTask.NameOf(served)} task (docs/tasks.md).");
        return splits with { Task = PredictionTask.Create(served, splits.ClassNames, request.Files.Task) };
    }
}
