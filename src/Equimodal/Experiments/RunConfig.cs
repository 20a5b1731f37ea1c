using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Reporting;
using Equimodal.Training;

namespace Equimodal.Experiments;

/// <summary>Everything needed to repeat a run or rebuild its model: written to config.json with defaults filled in.</summary>
public sealed record RunConfig
{
    /// <summary>Format version of config.json (older files are migrated when read, by <see cref="RunFolderMigrations"/>).</summary>
    public int FormatVersion { get; init; } = RunFolderMigrations.ConfigFormatVersion;

    /// <summary>The data.</summary>
    public DatasetRequest Dataset { get; init; } = new();

    /// <summary>Training method name.</summary>
    public string Method { get; init; } = "joint";

    /// <summary>Method-specific options.</summary>
    public IReadOnlyDictionary<string, string> MethodOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Architecture.</summary>
    public ModelOptions Model { get; init; } = new();

    /// <summary>Optimisation.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Whether the run folder also gets TensorBoard event files (per-epoch scalars).</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Modalities the trained model reads, in input order (filled in by the trainer).</summary>
    public IReadOnlyList<ModalitySpec> Modalities { get; init; } = Array.Empty<ModalitySpec>();

    /// <summary>Class names, or the label or target names of a multi-label or regression task (filled in by the trainer).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = Array.Empty<string>();

    /// <summary>The task the model was trained for (filled in by the trainer; runs written before tasks existed are classification).</summary>
    public Tasks.TaskKind Task { get; init; } = Tasks.TaskKind.Classification;

    /// <summary>The task the model was trained for, with its output names and loss settings.</summary>
    public Tasks.PredictionTask PredictionTask() => Tasks.PredictionTask.Create(Task, ClassNames, Dataset.Files.Task);

    /// <summary>Software versions, device and threads of the run (filled in when the run starts).</summary>
    public ReproducibilityInfo? Environment { get; init; }

    /// <summary>Equimodal version that wrote the run (the informational version, with the commit when the build knew it); stored only here.</summary>
    public string EquimodalVersion { get; init; } = ReproducibilityInfo.CurrentVersion;

    /// <summary>
    /// The plan this config.json records, on data with <paramref name="available"/> modalities: the
    /// recorded modalities found by name (an absent one is an error naming it and <paramref name="run"/>), and the recorded model.
    /// </summary>
    public RunPlan Plan(IReadOnlyList<ModalitySpec> available, string run)
    {
        if (Modalities.Count == 0) throw new InvalidDataException($"The config.json of {run} records no modalities: it is not the folder of a started run.");
        int[] inputs = ModalityBinding.Indices(available, Modalities.Select(m => m.Name), $"The model of {run}");
        return new RunPlan(inputs.Select(i => available[i]).ToArray(), Model);
    }
}
