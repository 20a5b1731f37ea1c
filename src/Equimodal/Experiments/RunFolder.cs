using System.Text.Json;
using System.Text.Json.Nodes;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Experiments;

/// <summary>
/// A run's folder: config.json (the full configuration), metrics.jsonl (one line per epoch), results.json (final
/// validation and test metrics), model.bin (the selected weights, TorchSharp format), preprocessing.json (how raw files
/// became inputs, with fitted statistics) and checkpoints/ (to resume).
/// </summary>
public sealed class RunFolder
{
    /// <summary>File name of the configuration.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>File name of the per-epoch metrics.</summary>
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>File name of the final results.</summary>
    public const string ResultsFile = "results.json";

    /// <summary>File name of the weights.</summary>
    public const string ModelFile = "model.bin";

    /// <summary>File name of the preprocessing (settings and fitted statistics that turn raw files into inputs).</summary>
    public const string PreprocessingFile = "preprocessing.json";

    /// <summary>Sub-folder of the checkpoints.</summary>
    public const string CheckpointFolder = "checkpoints";

    /// <summary>
    /// The folder at <paramref name="path"/>, which is not created: reading a folder that does not exist fails naming it,
    /// and a new run creates it in <see cref="Start"/> after <see cref="ClaimForNewRun"/>.
    /// </summary>
    public RunFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The files of a run that commands read: never a command's output.</summary>
    public static IReadOnlyList<string> InputFiles { get; } = new[] { ConfigFile, MetricsFile, ResultsFile, ModelFile, ModelFile + WeightChecksum.Suffix, PreprocessingFile };

    /// <summary>True when <paramref name="path"/> is a folder holding a run's config.json.</summary>
    public static bool IsRunFolder(string path) => System.IO.File.Exists(System.IO.Path.Combine(path, ConfigFile));

    /// <summary>
    /// Checks that <paramref name="path"/> may receive a new run and takes its lock. Refused: a file, the filesystem root,
    /// a home directory itself, a non-empty folder that is not a run folder (its entries are named), a folder another
    /// process writes, and a run folder, finished or not, unless <paramref name="overwrite"/>, which renames the old run
    /// to a sibling "NAME.replaced-TIME", returned in <paramref name="movedAside"/> (nothing is deleted). An unfinished
    /// run is continued with --resume instead.
    /// </summary>
    public static RunFolderLock ClaimForNewRun(string path, bool overwrite, out string? movedAside)
    {
        movedAside = null;
        string full = OutputPaths.CheckFolderTarget(path, "--out");
        if (!Directory.Exists(full) || OutputPaths.OwnEntries(full).Length == 0) return RunFolderLock.Acquire(full);
        if (!IsRunFolder(full))
        {
            throw new IOException($"--out {path}: the folder is not empty and is not an Equimodal run folder (it holds {OutputPaths.List(OutputPaths.OwnEntries(full))}); "
                + "nothing was written. Choose a new or empty folder.");
        }
        var folder = new RunFolder(full);
        string state = folder.IsFinished ? "a finished run" : "an unfinished run";
        using (RunFolderLock old = RunFolderLock.Acquire(full))
        {
            if (!overwrite)
            {
                throw new IOException($"--out {path} holds {state}" + (folder.IsFinished ? "" : $" (continue it with 'equimodal train --resume {path}')")
                    + "; nothing was written. Choose another --out, or add --overwrite to move the old run aside (it is renamed, not deleted).");
            }
            string aside = OutputPaths.FreeSibling(full, $"replaced-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            old.MoveFolder(full, aside);
            movedAside = aside;
        }
        return RunFolderLock.Acquire(full);
    }

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>Path of a file inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes config.json and starts an empty metrics.jsonl.</summary>
    public void Start(RunConfig config)
    {
        Directory.CreateDirectory(Path);
        WriteJson(ConfigFile, config);
        System.IO.File.WriteAllText(File(MetricsFile), "");
    }

    /// <summary>Writes preprocessing.json.</summary>
    public void WritePreprocessing(DatasetPreprocessing preprocessing) => WriteJson(PreprocessingFile, preprocessing);

    /// <summary>Reads preprocessing.json in today's format, or null for runs written before it existed.</summary>
    public DatasetPreprocessing? ReadPreprocessing()
    {
        string path = File(PreprocessingFile);
        if (!System.IO.File.Exists(path)) return null;
        const string Damaged = "The file was edited or damaged: restore it, or train the run again.";
        try
        {
            JsonObject migrated = RunFolderMigrations.MigratePreprocessing(ReadObject(path, "a valid preprocessing record", Damaged), ReadConfigObject(), path);
            return migrated.Deserialize<DatasetPreprocessing>(Json.Indented) ?? throw new InvalidDataException($"{path} is empty. {Damaged}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid preprocessing record ({e.Message}). {Damaged}", e);
        }
    }

    /// <summary>Appends one epoch to metrics.jsonl.</summary>
    public void AppendEpoch(EpochRecord record) =>
        System.IO.File.AppendAllText(File(MetricsFile), JsonSerializer.Serialize(record, Json.Line) + "\n");

    /// <summary>Replaces metrics.jsonl by <paramref name="records"/> (a resumed run drops lines written after its checkpoint).</summary>
    public void RewriteMetrics(IEnumerable<EpochRecord> records) =>
        System.IO.File.WriteAllText(File(MetricsFile), string.Concat(records.Select(r => JsonSerializer.Serialize(r, Json.Line) + "\n")));

    /// <summary>The run's checkpoint store, keeping the newest <paramref name="keep"/> checkpoints and the best.</summary>
    public CheckpointStore Checkpoints(int keep) => new(File(CheckpointFolder), keep);

    /// <summary>Writes results.json.</summary>
    public void WriteResults(TrainingResult result) => WriteJson(ResultsFile, result with { History = Array.Empty<EpochRecord>() });

    /// <summary>Saves the model's weights to model.bin with its checksum file.</summary>
    public void SaveModel(MultimodalClassifier model)
    {
        model.save(File(ModelFile));
        WeightChecksum.Write(File(ModelFile));
    }

    /// <summary>Reads config.json of an existing run, in today's format.</summary>
    public RunConfig ReadConfig()
    {
        string path = File(ConfigFile);
        RunConfig config;
        try
        {
            config = ReadConfigObject().Deserialize<RunConfig>(Json.Indented) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid run configuration: {e.Message}", e);
        }
        CheckRecorded(config, path);
        return config;
    }

    /// <summary>config.json as a JSON object migrated to today's format.</summary>
    private JsonObject ReadConfigObject()
    {
        string path = File(ConfigFile);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{path} does not exist: is '{Path}' a run folder written by 'equimodal train'?", path);
        return RunFolderMigrations.MigrateConfig(ReadObject(path, "a valid run configuration", "The file was edited or damaged: restore the values the run was trained with."), path);
    }

    /// <summary>The JSON object in the file at <paramref name="path"/>; anything else fails naming the file, <paramref name="what"/> it should be and <paramref name="remedy"/>.</summary>
    private static JsonObject ReadObject(string path, string what, string remedy)
    {
        try
        {
            return JsonNode.Parse(System.IO.File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path} is not {what}: it holds no JSON object. {remedy}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not {what} ({e.Message}). {remedy}", e);
        }
    }

    // A hand-edited or truncated config.json fails here, naming the file, instead of deep inside model building.
    private static void CheckRecorded(RunConfig config, string path)
    {
        string? problem = null;
        if (config.Modalities.Count == 0) problem = "it lists no modalities ('modalities')";
        else if (config.ClassNames.Count == 0) problem = "it lists no classes ('classNames')";
        else if (config.Modalities.FirstOrDefault(m => m.Shape.Length == 0 || m.Shape.Any(d => d < 1)) is { } bad)
            problem = $"modality '{bad.Name}' has the shape [{string.Join(", ", bad.Shape)}]";
        else
        {
            try
            {
                config.Model.Validate();
            }
            catch (ArgumentException e)
            {
                problem = $"its model settings are invalid: {e.Message}";
            }
        }
        if (problem is not null) throw new InvalidDataException($"{path}: {problem}. The file was edited or damaged: restore the values the run was trained with.");
    }

    /// <summary>True when the run finished: results.json exists.</summary>
    public bool IsFinished => System.IO.File.Exists(File(ResultsFile));

    /// <summary>Reads a finished run's results.json, with its per-epoch history from metrics.jsonl.</summary>
    public TrainingResult ReadResults()
    {
        string path = File(ResultsFile);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{path} does not exist: the run did not finish.", path);
        TrainingResult result = JsonSerializer.Deserialize<TrainingResult>(System.IO.File.ReadAllText(path), Json.Indented)
            ?? throw new InvalidDataException($"{path} is empty.");
        return result with { History = ReadEpochs() };
    }

    /// <summary>Reads metrics.jsonl: one record per finished epoch.</summary>
    public IReadOnlyList<EpochRecord> ReadEpochs()
    {
        string path = File(MetricsFile);
        if (!System.IO.File.Exists(path)) return Array.Empty<EpochRecord>();
        return System.IO.File.ReadLines(path)
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<EpochRecord>(line, Json.Line) ?? throw new InvalidDataException($"{path} has an empty record."))
            .ToArray();
    }

    /// <summary>Rebuilds the model described by config.json and loads model.bin into it after verifying its checksum.</summary>
    public MultimodalClassifier LoadModel()
    {
        RunConfig config = ReadConfig();
        string weights = File(ModelFile);
        if (!System.IO.File.Exists(weights)) throw new FileNotFoundException($"{weights} does not exist: the run did not finish an epoch.", weights);
        WeightChecksum.Verify(weights, required: true);
        MultimodalClassifier model = ModelFactory.Create(config.Modalities, config.ClassNames.Count, config.Model);
        try
        {
            model.load(weights);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weights} cannot be loaded into the model config.json describes: {e.Message}", e);
        }
        return model;
    }

    private void WriteJson<T>(string name, T value) => System.IO.File.WriteAllText(File(name), JsonSerializer.Serialize(value, Json.Indented) + "\n");
}
