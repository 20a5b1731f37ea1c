using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Experiments;
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
    public sealed class Settings : StandardTrainingSettings
    {
        /// <summary>Method name.</summary>
        [CommandOption("--method <NAME>")]
        [Description("Training method; the list is in the description above, options in 'equimodal methods'.")]
        [DefaultFrom(typeof(RunConfig), nameof(RunConfig.Method))]
        public string Method { get; init; } = "";

        /// <summary>Run folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Run folder to write (config.json, metrics.jsonl, results.json, model.bin, checkpoints/).")]
        public string? Out { get; init; }

        /// <summary>Replace a run in --out.</summary>
        [CommandOption("--overwrite")]
        [Description("When --out holds a run, move it aside (renamed DIR.replaced-TIME, nothing deleted) and train anew instead of refusing.")]
        public bool Overwrite { get; init; }

        /// <summary>Run folder to resume.</summary>
        [CommandOption("--resume <RUN_DIR>")]
        [Description("Continue an interrupted run from its newest good checkpoint with the configuration in its config.json; every other flag is ignored, with a warning naming it.")]
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
        protected override void Check()
        {
            if (!CollectiveLauncher.Modes.Contains(Distributed))
                throw new ArgumentException($"--distributed must be one of {string.Join(", ", CollectiveLauncher.Modes)}, got '{Distributed}'.");
            MethodRegistry.Validate(Method);
            base.Check();
            CheckMethod(Method, ToConfig(Method).MethodOptions);
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
        if (settings.Resume is not null)
        {
            string[] ignored = IgnoredOnResume(context.Arguments);
            if (ignored.Length > 0 && collective.Rank == 0)
                AnsiConsole.MarkupLine($"[yellow]warning: --resume continues with the configuration in {Markup.Escape(Path.Combine(settings.Resume, RunFolder.ConfigFile))}; ignored: {Markup.Escape(string.Join(", ", ignored))}.[/]");
            return Resume(settings.Resume, collective);
        }
        if (settings.Config is not null)
        {
            ConfigFile.Apply(settings, settings.Config, context.Arguments);
            ValidationResult valid = settings.Validate();
            if (!valid.Successful) throw new ArgumentException($"{settings.Config}: {valid.Message}");
        }
        RunConfig config = settings.ToConfig(settings.Method);
        string output = settings.Out ?? Path.Combine("runs", $"{settings.Method}-{settings.Seed}");
        if (collective.Rank == 0) NewRunFolders.Prepare(new[] { output }, settings.Overwrite);
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ShowLoadReport(splits, collective);
        return Report(settings.Method, output, collective, observer => Experiment.Run(config, splits, output, observer, collective));
    }

    /// <summary>The flags on a --resume command line other than --resume and --distributed: a resumed run takes everything else from its config.json.</summary>
    public static string[] IgnoredOnResume(IReadOnlyList<string> arguments) => arguments
        .Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
        .Select(a => a.Split('=')[0])
        .Where(a => a is not "--resume" and not "--distributed")
        .Distinct()
        .ToArray();

    private static int Resume(string runFolder, ICollective collective)
    {
        if (File.Exists(runFolder)) throw new IOException($"--resume {runFolder} is a file; give the run folder that 'train --out' wrote.");
        if (!RunFolder.IsRunFolder(runFolder)) throw new IOException($"--resume {runFolder}: no config.json there, so it is not a run folder to continue (start a new run with --out).");
        RunConfig config = new RunFolder(runFolder).ReadConfig();
        DatasetSplits splits = DatasetCatalog.Load(config.Dataset);
        ShowLoadReport(splits, collective);
        return Report(config.Method, runFolder, collective, observer => Experiment.Resume(runFolder, splits, observer, collective));
    }

    private static void ShowLoadReport(DatasetSplits splits, ICollective collective)
    {
        if (collective.Rank == 0) ResultConsole.WriteLoadReport(splits.Report);
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
