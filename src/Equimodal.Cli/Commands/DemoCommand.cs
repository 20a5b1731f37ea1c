using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Reporting;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal demo`: the built-in benchmark, unimodal models against the joint model.</summary>
public sealed class DemoCommand : Command<DemoCommand.Settings>
{
    /// <summary>Flags of `demo` (the training flags, with the demo's defaults).</summary>
    public sealed class Settings : TrainingSettings
    {
        /// <summary>Folder for the three run folders.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Folder that receives one run folder per method.")]
        [DefaultValue("runs/demo")]
        public string Out { get; init; } = "runs/demo";
    }

    /// <summary>Methods the demo compares.</summary>
    public static readonly IReadOnlyList<string> Methods = new[] { "audio-only", "visual-only", "joint" };

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DatasetSplits splits = DatasetCatalog.Load(settings.ToDatasetRequest());
        AnsiConsole.MarkupLine($"Synthetic audio-visual benchmark: {splits.ClassNames.Count} classes, {splits.Train.Count} train / {splits.Validation.Count} validation / {splits.Test.Count} test samples.");
        var jobs = Methods.Select(method => new TrainingDisplay.Job(method,
            observer => Experiment.Run(settings.ToConfig(method), splits, Path.Combine(settings.Out, method), observer))).ToArray();
        IReadOnlyList<TrainingResult> results = TrainingDisplay.Run(jobs);
        ResultConsole.Write(ResultTable.FromRuns(results, splits.Modalities.Select(m => m.Name).ToArray()));
        AnsiConsole.WriteLine("Test-split metrics (%) of the weights with the best validation accuracy. acc(m): accuracy of modality m's own logits.");
        return 0;
    }
}
