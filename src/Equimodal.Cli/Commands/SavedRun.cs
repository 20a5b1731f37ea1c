using Equimodal.Data;
using Equimodal.Reporting;

namespace Equimodal.Cli.Commands;

/// <summary>A run folder opened for commands that reuse its model: the configuration, the data it was trained on, and where its modalities sit in that data.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Config">Its config.json.</param>
/// <param name="Request">The dataset request (with the data folder override applied).</param>
/// <param name="Splits">The loaded dataset.</param>
/// <param name="ModalityIndices">Index in the dataset of each modality the model reads, in model input order.</param>
internal sealed record SavedRun(RunFolder Folder, RunConfig Config, DatasetRequest Request, DatasetSplits Splits, int[] ModalityIndices)
{
    /// <summary>Opens the run at <paramref name="path"/> and loads its dataset, from <paramref name="dataOverride"/> when given.</summary>
    public static SavedRun Open(string path, string? dataOverride)
    {
        var folder = new RunFolder(path);
        RunConfig config = folder.ReadConfig();
        DatasetRequest request = dataOverride is null ? config.Dataset : config.Dataset with { Path = dataOverride };
        DatasetSplits splits = DatasetCatalog.Load(request);
        int[] modalityIndices = ModalityBinding.Indices(splits.Modalities, config.Modalities.Select(m => m.Name), $"The model of {path}");
        return new SavedRun(folder, config, request, splits, modalityIndices);
    }
}
