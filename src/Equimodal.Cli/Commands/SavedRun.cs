using Equimodal.Data;
using Equimodal.Reporting;

namespace Equimodal.Cli.Commands;

/// <summary>A run folder opened for commands that reuse its model: the configuration, the data it was trained on, and where its modalities sit in that data.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Config">Its config.json.</param>
/// <param name="Request">The dataset request (with the data folder override applied).</param>
/// <param name="Splits">The loaded dataset, its labels in the model's class order (matched by name).</param>
/// <param name="ModalityIndices">Index in the dataset of each modality the model reads, in model input order.</param>
internal sealed record SavedRun(RunFolder Folder, RunConfig Config, DatasetRequest Request, DatasetSplits Splits, int[] ModalityIndices)
{
    /// <summary>Opens the run at <paramref name="path"/> and loads its dataset, from <paramref name="dataOverride"/> when given.</summary>
    public static SavedRun Open(string path, string? dataOverride)
    {
        var folder = new RunFolder(path);
        RunConfig config = folder.ReadConfig();
        DatasetRequest request = dataOverride is null ? config.Dataset : config.Dataset with { Path = dataOverride };
        DatasetSplits splits = ClassMapping.ToModelClasses(DatasetCatalog.Load(request, folder.ReadPreprocessing()), config.ClassNames, $"the model of {folder.Path}");
        int[] modalityIndices = config.Modalities.Select(m => IndexOf(splits.Modalities, m.Name)).ToArray();
        return new SavedRun(folder, config, request, splits, modalityIndices);
    }

    private static int IndexOf(IReadOnlyList<ModalitySpec> modalities, string name)
    {
        int index = modalities.Select(m => m.Name).ToList().IndexOf(name);
        if (index < 0) throw new ArgumentException($"The model reads modality '{name}', which the dataset does not have ({string.Join(", ", modalities.Select(m => m.Name))}).");
        return index;
    }
}
