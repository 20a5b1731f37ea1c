using Equimodal.Data;
using Equimodal.Experiments;

namespace Equimodal.Cli.Commands;

/// <summary>A run folder opened for commands that reuse its model: the configuration and the data it was trained on, bound to its model.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Config">Its config.json.</param>
/// <param name="Request">The dataset request (with the data folder override applied).</param>
/// <param name="Splits">
/// The loaded dataset, its labels in the model's class order (matched by name) and its batches holding the inputs the
/// model reads, in model order (the run's recorded plan, <see cref="RunConfig.Plan"/>).
/// </param>
internal sealed record SavedRun(RunFolder Folder, RunConfig Config, DatasetRequest Request, DatasetSplits Splits)
{
    /// <summary>Opens the run at <paramref name="path"/> and loads its dataset, from <paramref name="dataOverride"/> when given.</summary>
    public static SavedRun Open(string path, string? dataOverride)
    {
        var folder = new RunFolder(path);
        RunConfig config = folder.ReadConfig();
        DatasetRequest request = dataOverride is null ? config.Dataset : config.Dataset with { Path = dataOverride };
        DatasetSplits splits = ClassMapping.ToModelClasses(DatasetCatalog.Load(request, folder.ReadPreprocessing()), config.ClassNames, $"the model of {folder.Path}");
        return new SavedRun(folder, config, request, config.Plan(splits.Modalities, path).Bind(splits));
    }
}
