using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Reporting;
using Equimodal.Tasks;
using Equimodal.Training;
using TorchSharp;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal evaluate`: a saved model on a split of its dataset.</summary>
public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    /// <summary>Flags of `evaluate`.</summary>
    public sealed class Settings : SavedRunDataSettings
    {
        /// <summary>Split.</summary>
        [CommandOption("--split <NAME>")]
        [Description("test or validation.")]
        [DefaultValue("test")]
        public string Split { get; init; } = "test";

        /// <summary>Modalities made absent.</summary>
        [CommandOption("--missing <MODALITY>")]
        [Description("Evaluate with this modality missing for every sample (embedding zeroed at the fusion input, as in training); repeatable, or a comma-separated list.")]
        public string[] Missing { get; init; } = Array.Empty<string>();

        /// <summary>Test-time corruptions.</summary>
        [CommandOption("--corrupt <MODALITY:KIND=LEVEL>")]
        [Description("Corrupt a modality's input at test time: noise=SNR_DB (white noise at that SNR), gaussian=STD, occlusion=AREA_FRACTION, blur=SIGMA; repeatable.")]
        public string[] Corrupt { get; init; } = Array.Empty<string>();

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print the metrics as JSON.")]
        public bool Json { get; init; }

        /// <summary>Unimodal reference runs, MODALITY=DIR.</summary>
        [CommandOption("--reference <MODALITY=DIR>")]
        [Description("A unimodal run of MODALITY on the same dataset (e.g. audio=runs/audio-only): prints its accuracy on the split and the failure gap, its accuracy minus MODALITY's own-logit accuracy in this run; repeatable.")]
        public string[] Reference { get; init; } = Array.Empty<string>();

        /// <summary>Linear probing instead of evaluating the model's own head.</summary>
        [CommandOption("--linear-probe")]
        [Description("Freeze the encoders, train a linear classifier on the concatenated features and one per modality (train split, selected on validation), report test accuracy.")]
        public bool LinearProbe { get; init; }

        /// <inheritdoc />
        protected override void Check()
        {
            base.Check();
            if (Split is not ("test" or "validation")) throw new ArgumentException($"Unknown split '{Split}'. Valid splits: test, validation.");
            if (Reference.Length > 0 && (Missing.Length > 0 || Corrupt.Length > 0 || LinearProbe))
                throw new ArgumentException("--reference compares clean own-logit accuracies: leave out --missing, --corrupt and --linear-probe.");
            foreach (string reference in Reference) _ = ParseReference(reference);
        }

        /// <summary>Splits MODALITY=DIR and checks that the folder exists.</summary>
        internal static (string Modality, string Folder) ParseReference(string reference)
        {
            int equals = reference.IndexOf('=');
            if (equals <= 0 || equals == reference.Length - 1)
                throw new ArgumentException($"--reference {reference}: expected MODALITY=DIR, e.g. audio=runs/audio-only.");
            string folder = reference[(equals + 1)..];
            if (!Directory.Exists(folder)) throw new ArgumentException($"--reference {reference}: no such folder {folder}.");
            return (reference[..equals], folder);
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (folder, config, request, splits) = settings.Open();
        IMultimodalDataset dataset = settings.Split == "test" ? splits.Test : splits.Validation;
        using MultimodalClassifier model = folder.LoadModel();
        var device = DeviceSelector.Resolve(settings.Device);
        model.to(device);
        if (settings.LinearProbe) return WriteProbes(LinearProbe.Run(model, splits, config.Training.BatchSize, device, new LinearProbeOptions { Seed = config.Training.Seed }), config, request, settings.Json);
        var condition = new TestCondition(settings.Missing.SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(), settings.Corrupt.Select(Corruption.Parse).ToArray());
        // Multi-label F1 counts labels at the threshold validation chose, as training's test evaluation does.
        double? threshold = dataset.Task == TaskKind.MultiLabel && dataset != splits.Validation
            ? Evaluator.Evaluate(model, splits.Validation, config.Training.BatchSize, device).LabelThreshold
            : null;
        EvaluationResult result = Evaluator.Evaluate(model, dataset, config.Training.BatchSize, device, condition, threshold, splits.Task);
        Dictionary<string, double> references = settings.Reference.Select(Settings.ParseReference)
            .ToDictionary(r => r.Modality, r => ReferenceAccuracy(r.Modality, r.Folder, config, request, settings, device));
        IReadOnlyDictionary<string, double> gaps = FailureGap.PerModality(result.ModalityAccuracy, references);
        if (settings.Json)
        {
            JsonNode json = JsonSerializer.SerializeToNode(result, Equimodal.Data.Json.Indented)!;
            if (references.Count > 0)
            {
                json["referenceAccuracy"] = JsonSerializer.SerializeToNode(references);
                json["failureGap"] = JsonSerializer.SerializeToNode(gaps);
                json["runFailureGap"] = FailureGap.Of(gaps);
            }
            AnsiConsole.Console.Profile.Out.Writer.WriteLine(json.ToJsonString(Equimodal.Data.Json.Indented));
            return 0;
        }
        ResultTable table = result.TaskMetrics.Count > 0 ? TaskTable(result) : ClassificationTable(result);
        Func<double, string> format = result.TaskMetrics.Count > 0 ? ResultTable.Number : ResultTable.Percent;
        foreach (var (modality, accuracy) in references)
        {
            table.Rows.Add(new[] { $"{modality}-only reference", format(accuracy) });
            table.Rows.Add(new[] { $"failure gap({modality})", format(gaps[modality]) });
        }
        string absent = condition.Label.Length == 0 ? "" : $", {condition.Label}";
        AnsiConsole.MarkupLine($"{Markup.Escape(config.Method)} on the {settings.Split} split of {Markup.Escape(request.Name)} ({result.Samples} samples{Markup.Escape(absent)}):");
        ResultConsole.Write(table);
        if (references.Count > 0)
            AnsiConsole.WriteLine($"failure gap(m): the {settings.Split} {result.MainMetric} of m's unimodal reference run minus that of m's own outputs in this run; " +
                $"the run's failure gap is the largest, {format(FailureGap.Of(gaps)!.Value)}.");
        return 0;
    }

    private static ResultTable ClassificationTable(EvaluationResult result)
    {
        var table = new ResultTable(new[] { "metric", "value (%)" });
        table.Rows.Add(new[] { "accuracy", ResultTable.Percent(result.Accuracy) });
        table.Rows.Add(new[] { "mAP", ResultTable.Percent(result.MeanAveragePrecision) });
        table.Rows.Add(new[] { "macro-F1", ResultTable.Percent(result.MacroF1) });
        table.Rows.Add(new[] { "macro AUC", ResultTable.Percent(result.MacroAuc) });
        foreach (var (modality, accuracy) in result.ModalityAccuracy) table.Rows.Add(new[] { $"acc({modality})", ResultTable.Percent(accuracy) });
        return table;
    }

    /// <summary>A multi-label or regression result: every task metric, the label threshold, each modality's own-head metrics.</summary>
    private static ResultTable TaskTable(EvaluationResult result)
    {
        var table = new ResultTable(new[] { "metric", "value" });
        foreach (var (name, value) in result.TaskMetrics) table.Rows.Add(new[] { name, ResultTable.Number(value) });
        if (!double.IsNaN(result.LabelThreshold)) table.Rows.Add(new[] { "threshold (from validation)", ResultTable.Number(result.LabelThreshold) });
        foreach (var (modality, metrics) in result.ModalityTaskMetrics)
            foreach (var (name, value) in metrics) table.Rows.Add(new[] { $"{name}({modality})", ResultTable.Number(value) });
        return table;
    }

    /// <summary>
    /// The accuracy on the same split of the unimodal run in <paramref name="folder"/>, which must read
    /// <paramref name="modality"/> alone, from a modality of this run, on the same dataset.
    /// </summary>
    private static double ReferenceAccuracy(string modality, string folder, RunConfig config, DatasetRequest request, Settings settings, torch.Device device)
    {
        if (!config.Modalities.Any(m => m.Name == modality))
            throw new ArgumentException($"--reference {modality}={folder}: this run has no modality '{modality}' (it reads {string.Join(", ", config.Modalities.Select(m => m.Name))}).");
        var reference = SavedRun.Open(folder, settings.Data);
        string[] read = reference.Config.Modalities.Select(m => m.Name).ToArray();
        if (read.Length != 1 || read[0] != modality)
            throw new ArgumentException($"--reference {modality}={folder}: that run reads {string.Join(", ", read)}, not {modality} alone; give a {modality}-only run.");
        if (!SameData(reference.Request, request))
            throw new ArgumentException($"--reference {modality}={folder}: that run was trained on other data than {settings.Run} ({reference.Request.Name}, other settings); a failure gap compares accuracies on the same split.");
        using MultimodalClassifier model = reference.Folder.LoadModel();
        model.to(device);
        IMultimodalDataset split = settings.Split == "test" ? reference.Splits.Test : reference.Splits.Validation;
        return Evaluator.Evaluate(model, split, reference.Config.Training.BatchSize, device).Accuracy;
    }

    // The data folder may have moved between the runs; every other setting must be the same.
    private static bool SameData(DatasetRequest a, DatasetRequest b) =>
        JsonSerializer.Serialize(a with { Path = null }, Equimodal.Data.Json.Indented) == JsonSerializer.Serialize(b with { Path = null }, Equimodal.Data.Json.Indented);

    private static int WriteProbes(IReadOnlyList<ProbeResult> probes, RunConfig config, DatasetRequest request, bool json)
    {
        if (json)
        {
            AnsiConsole.Console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(probes, Equimodal.Data.Json.Indented));
            return 0;
        }
        var table = new ResultTable(new[] { "probe features", "validation acc (%)", "test acc (%)", "epoch" });
        foreach (ProbeResult probe in probes)
            table.Rows.Add(new[] { probe.Features, ResultTable.Percent(probe.ValidationAccuracy), ResultTable.Percent(probe.TestAccuracy), probe.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        AnsiConsole.MarkupLine($"Linear probes of {Markup.Escape(config.Method)}'s frozen encoders on {Markup.Escape(request.Name)} (trained on train, selected on validation):");
        ResultConsole.Write(table);
        return 0;
    }
}
