using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Data;
using Equimodal.Reporting;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal train`: one method, one seed, one run folder; or `--resume` an interrupted run.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    /// <summary>Flags of `train`.</summary>
    public sealed class Settings : ModelTrainingSettings
    {
        /// <summary>Method name.</summary>
        [CommandOption("--method <NAME>")]
        [Description("Training method; the list is in the description above, options in 'equimodal methods'.")]
        [DefaultValue("joint")]
        public string Method { get; init; } = "joint";

        /// <summary>Run folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Run folder to write (config.json, metrics.jsonl, results.json, model.bin, checkpoints/).")]
        public string? Out { get; init; }

        /// <summary>Run folder to resume.</summary>
        [CommandOption("--resume <RUN_DIR>")]
        [Description("Continue an interrupted run from its newest good checkpoint, with the configuration in its config.json (other flags are ignored).")]
        public string? Resume { get; init; }

        /// <summary>Config file.</summary>
        [CommandOption("--config <FILE>")]
        [Description("JSON file of options, keys = flag names without dashes (e.g. {\"epochs\": 20, \"lr\": 0.001}); flags given here win.")]
        public string? Config { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            ValidationResult method = ValidateMethod(Method);
            return method.Successful ? base.Validate() : method;
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Resume is not null) return Resume(settings.Resume);
        if (settings.Config is not null)
        {
            ConfigFile.Apply(settings, settings.Config, context.Arguments);
            ValidationResult valid = settings.Validate();
            if (!valid.Successful) throw new ArgumentException($"{settings.Config}: {valid.Message}");
        }
        RunConfig config = settings.ToConfig(settings.Method);
        string output = settings.Out ?? Path.Combine("runs", $"{settings.Method}-{settings.Seed}");
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ShowLoadReport(splits);
        return Report(settings.Method, output, observer => Experiment.Run(config, splits, output, observer));
    }

    private static int Resume(string runFolder)
    {
        RunConfig config = new RunFolder(runFolder).ReadConfig();
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ShowLoadReport(splits);
        return Report(config.Method, runFolder, observer => Experiment.Resume(runFolder, splits, observer));
    }

    private static void ShowLoadReport(DatasetSplits splits)
    {
        foreach (string line in splits.Report.Lines()) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
    }

    private static int Report(string label, string output, Func<ITrainingObserver, TrainingResult> work)
    {
        TrainingResult result = TrainingDisplay.Run(new[] { new TrainingDisplay.Job(label, work) })[0];
        ResultConsole.Write(ResultTable.FromRuns(new[] { result }, result.Modalities));
        AnsiConsole.MarkupLine($"Best validation epoch {result.BestEpoch}; run folder: [blue]{Markup.Escape(Path.GetFullPath(output))}[/]");
        return 0;
    }
}
