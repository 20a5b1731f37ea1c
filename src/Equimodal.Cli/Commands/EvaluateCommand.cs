using System.ComponentModel;
using System.Text.Json;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Reporting;
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

        /// <summary>Linear probing instead of evaluating the model's own head.</summary>
        [CommandOption("--linear-probe")]
        [Description("Freeze the encoders, train a linear classifier on the concatenated features and one per modality (train split, selected on validation), report test accuracy.")]
        public bool LinearProbe { get; init; }

        /// <inheritdoc />
        protected override void Check()
        {
            base.Check();
            if (Split is not ("test" or "validation")) throw new ArgumentException($"Unknown split '{Split}'. Valid splits: test, validation.");
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (folder, config, request, splits, modalityIndices) = settings.Open();
        IMultimodalDataset dataset = settings.Split == "test" ? splits.Test : splits.Validation;
        using MultimodalClassifier model = folder.LoadModel();
        var device = DeviceSelector.Resolve(settings.Device);
        model.to(device);
        if (settings.LinearProbe) return WriteProbes(LinearProbe.Run(model, splits, modalityIndices, config.Training.BatchSize, device, new LinearProbeOptions { Seed = config.Training.Seed }), config, request, settings.Json);
        var condition = new TestCondition(settings.Missing.SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(), settings.Corrupt.Select(Corruption.Parse).ToArray());
        EvaluationResult result = Evaluator.Evaluate(model, dataset, modalityIndices, config.Training.BatchSize, device, condition);
        if (settings.Json)
        {
            AnsiConsole.Console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(result, Reporting.Json.Indented));
            return 0;
        }
        var table = new ResultTable(new[] { "metric", "value (%)" });
        table.Rows.Add(new[] { "accuracy", ResultTable.Percent(result.Accuracy) });
        table.Rows.Add(new[] { "mAP", ResultTable.Percent(result.MeanAveragePrecision) });
        table.Rows.Add(new[] { "macro-F1", ResultTable.Percent(result.MacroF1) });
        table.Rows.Add(new[] { "macro AUC", ResultTable.Percent(result.MacroAuc) });
        foreach (var (modality, accuracy) in result.ModalityAccuracy) table.Rows.Add(new[] { $"acc({modality})", ResultTable.Percent(accuracy) });
        string absent = condition.Label.Length == 0 ? "" : $", {condition.Label}";
        AnsiConsole.MarkupLine($"{Markup.Escape(config.Method)} on the {settings.Split} split of {Markup.Escape(request.Name)} ({result.Samples} samples{Markup.Escape(absent)}):");
        ResultConsole.Write(table);
        return 0;
    }

    private static int WriteProbes(IReadOnlyList<ProbeResult> probes, RunConfig config, DatasetRequest request, bool json)
    {
        if (json)
        {
            AnsiConsole.Console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(probes, Reporting.Json.Indented));
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
