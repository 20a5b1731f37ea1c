using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Data;
using Equimodal.Distributed;
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
        [Description("Training method: joint, audio-only, visual-only (any NAME-only), ...")]
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

        /// <summary>Data-parallel mode.</summary>
        [CommandOption("--distributed <MODE>")]
        [Description("auto (MPI when started by mpirun with several ranks), mpi (always; needs OpenMPI's libmpi.so.40) or none. See docs/distributed.md.")]
        [DefaultValue("auto")]
        public string Distributed { get; init; } = "auto";

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (!CollectiveLauncher.Modes.Contains(Distributed))
                return ValidationResult.Error($"--distributed must be one of {string.Join(", ", CollectiveLauncher.Modes)}, got '{Distributed}'.");
            ValidationResult method = ValidateMethod(Method);
            return method.Successful ? base.Validate() : method;
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ICollective collective = CollectiveLauncher.Open(settings.Distributed);
        if (collective.World == 1) return Execute(context, settings, collective);
        return DataParallelJob.Run(collective, () => Execute(context, settings, collective), message => AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}"));
    }

    private static int Execute(CommandContext context, Settings settings, ICollective collective)
    {
        if (settings.Resume is not null) return Resume(settings.Resume, collective);
        if (settings.Config is not null)
        {
            ConfigFile.Apply(settings, settings.Config, context.Arguments);
            ValidationResult valid = settings.Validate();
            if (!valid.Successful) throw new ArgumentException($"{settings.Config}: {valid.Message}");
        }
        RunConfig config = settings.ToConfig(settings.Method);
        string output = settings.Out ?? Path.Combine("runs", $"{settings.Method}-{settings.Seed}");
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ShowLoadReport(splits, collective);
        return Report(settings.Method, output, collective, observer => Experiment.Run(config, splits, output, observer, collective));
    }

    private static int Resume(string runFolder, ICollective collective)
    {
        RunConfig config = new RunFolder(runFolder).ReadConfig();
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ShowLoadReport(splits, collective);
        return Report(config.Method, runFolder, collective, observer => Experiment.Resume(runFolder, splits, observer, collective));
    }

    private static void ShowLoadReport(DatasetSplits splits, ICollective collective)
    {
        if (collective.Rank != 0) return;
        foreach (string line in splits.Report.Lines()) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
    }

    private static int Report(string label, string output, ICollective collective, Func<ITrainingObserver?, TrainingResult> work)
    {
        if (collective.Rank != 0)
        {
            // Only rank 0 reports; the other ranks train silently.
            work(null);
            return 0;
        }
        TrainingResult result = TrainingDisplay.Run(new[] { new TrainingDisplay.Job(label, work) })[0];
        ResultConsole.Write(ResultTable.FromRuns(new[] { result }, result.Modalities));
        AnsiConsole.MarkupLine($"Best validation epoch {result.BestEpoch}; run folder: [blue]{Markup.Escape(Path.GetFullPath(output))}[/]");
        return 0;
    }
}
