using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Data;
using Equimodal.Reporting;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal train`: one method, one seed, one run folder.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    /// <summary>Flags of `train`.</summary>
    public sealed class Settings : ModelTrainingSettings
    {
        /// <summary>Method name.</summary>
        [CommandOption("--method <NAME>")]
        [Description("Training method: joint, audio-only, visual-only (any NAME-only), ...")]
        [DefaultValue("joint")]
        public string Method { get; init; } = "joint";

        /// <summary>Run folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Run folder to write (config.json, metrics.jsonl, results.json, model.bin).")]
        public string? Out { get; init; }

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
        RunConfig config = settings.ToConfig(settings.Method);
        string output = settings.Out ?? Path.Combine("runs", $"{settings.Method}-{settings.Seed}");
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        foreach (string line in splits.Report.Lines()) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
        TrainingResult result = TrainingDisplay.Run(new[]
        {
            new TrainingDisplay.Job(settings.Method, observer => Experiment.Run(config, splits, output, observer)),
        })[0];
        ResultConsole.Write(ResultTable.FromRuns(new[] { result }, result.Modalities));
        AnsiConsole.MarkupLine($"Best validation epoch {result.BestEpoch}; run folder: [blue]{Markup.Escape(Path.GetFullPath(output))}[/]");
        return 0;
    }
}
