using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Reporting;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal train`: one method, one seed, one run folder; or `--resume` an interrupted run.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    /// <summary>Flags of `train`.</summary>
    public sealed class Settings : TrainingSettings
    {
        /// <summary>Method name.</summary>
        [CommandOption("--method <NAME>")]
        [Description("Training method: joint, audio-only, visual-only (any NAME-only), ...")]
        [DefaultFrom(typeof(RunConfig), nameof(RunConfig.Method))]
        public string Method { get; init; } = "";

        /// <summary>Run folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Run folder to write (config.json, metrics.jsonl, results.json, model.bin, checkpoints/).")]
        public string? Out { get; init; }

        /// <summary>Run folder to resume.</summary>
        [CommandOption("--resume <RUN_DIR>")]
        [Description("Continue an interrupted run from its newest good checkpoint with the configuration in its config.json; every other flag is ignored, with a warning naming it.")]
        public string? Resume { get; init; }

        /// <summary>Config file.</summary>
        [CommandOption("--config <FILE>")]
        [Description("JSON file of options, keys = flag names without dashes (e.g. {\"epochs\": 20, \"lr\": 0.001}); flags given here win.")]
        public string? Config { get; init; }

        /// <inheritdoc />
        protected override void Check()
        {
            MethodRegistry.Validate(Method);
            base.Check();
            CheckMethod(Method, ToConfig(Method).MethodOptions);
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Resume is not null)
        {
            string[] ignored = IgnoredOnResume(context.Arguments);
            if (ignored.Length > 0)
                AnsiConsole.MarkupLine($"[yellow]warning: --resume continues with the configuration in {Markup.Escape(Path.Combine(settings.Resume, RunFolder.ConfigFile))}; ignored: {Markup.Escape(string.Join(", ", ignored))}.[/]");
            return Resume(settings.Resume);
        }
        if (settings.Config is not null)
        {
            ConfigFile.Apply(settings, settings.Config, context.Arguments);
            ValidationResult valid = settings.Validate();
            if (!valid.Successful) throw new ArgumentException($"{settings.Config}: {valid.Message}");
        }
        RunConfig config = settings.ToConfig(settings.Method);
        string output = settings.Out ?? Path.Combine("runs", $"{settings.Method}-{settings.Seed}");
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ResultConsole.WriteLoadReport(splits.Report);
        return Report(settings.Method, output, observer => Experiment.Run(config, splits, output, observer));
    }

    /// <summary>The flags on a --resume command line other than --resume itself: a resumed run takes everything from its config.json.</summary>
    public static string[] IgnoredOnResume(IReadOnlyList<string> arguments) => arguments
        .Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
        .Select(a => a.Split('=')[0])
        .Where(a => a != "--resume")
        .Distinct()
        .ToArray();

    private static int Resume(string runFolder)
    {
        RunConfig config = new RunFolder(runFolder).ReadConfig();
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ResultConsole.WriteLoadReport(splits.Report);
        return Report(config.Method, runFolder, observer => Experiment.Resume(runFolder, splits, observer));
    }


    private static int Report(string label, string output, Func<ITrainingObserver, TrainingResult> work)
    {
        TrainingResult result = TrainingDisplay.Run(new[] { new TrainingDisplay.Job(label, work) })[0];
        ResultConsole.Write(ResultTable.FromRuns(new[] { result }, result.Modalities));
        AnsiConsole.MarkupLine($"Best validation epoch {result.BestEpoch}; run folder: [blue]{Markup.Escape(Path.GetFullPath(output))}[/]");
        return 0;
    }
}
