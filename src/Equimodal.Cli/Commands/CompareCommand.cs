using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Report;
using Equimodal.Reporting;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal compare`: several methods, several seeds each, one table and plots.</summary>
public sealed class CompareCommand : Command<CompareCommand.Settings>
{
    /// <summary>Flags of `compare`.</summary>
    public sealed class Settings : StandardTrainingSettings
    {
        /// <summary>Methods to compare.</summary>
        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated methods, e.g. audio-only,visual-only,joint,modality-dropout,ogm-ge. Method options: --method-option METHOD:key=value.")]
        [DefaultValue("audio-only,visual-only,joint,modality-dropout,ogm-ge")]
        public string Methods { get; init; } = "audio-only,visual-only,joint,modality-dropout,ogm-ge";

        /// <summary>Variants: rows that train a method with their own options.</summary>
        [CommandOption("--variant <NAME=METHOD>")]
        [Description(VariantFlags.Help)]
        public string[] Variants { get; init; } = Array.Empty<string>();

        /// <summary>Seeds per method.</summary>
        [CommandOption("--seeds <N>")]
        [Description("Seeds per method: --seed, --seed + 1, ...")]
        [DefaultValue(3)]
        public int Seeds { get; init; } = 3;

        /// <summary>Output folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Comparison folder (results.json, results.md, report.html, PNG plots, runs/). Finished runs in it are not trained again.")]
        [DefaultValue("compare")]
        public string Out { get; init; } = "compare";

        /// <summary>Write the grid only.</summary>
        [CommandOption("--plan")]
        [Description("Write the grid to DIR/plan.tsv (one numbered line per method and seed) and print it, without training.")]
        public bool Plan { get; init; }

        /// <summary>Train one row of the grid.</summary>
        [CommandOption("--index <I>")]
        [Description("Train only row I of the grid (from --plan), or 'env' for the row a scheduler sets (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX).")]
        public string? Index { get; init; }

        /// <summary>Report over the finished rows.</summary>
        [CommandOption("--aggregate")]
        [Description("Write results.json, results.md, report.html and plots from the run folders that exist, and list the rows still missing; trains nothing.")]
        public bool Aggregate { get; init; }

        /// <summary>The method names.</summary>
        public IReadOnlyList<string> MethodList => Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>Robustness columns.</summary>
        [CommandOption("--robustness")]
        [Description("Also measure each method's test accuracy with each modality missing and under a default corruption of each (audio: white noise at 0 dB SNR; frames: half of each image occluded); adds columns and robustness.png.")]
        public bool Robustness { get; init; }

        /// <summary>Linear-probe columns.</summary>
        [CommandOption("--linear-probe")]
        [Description("Also linear-probe each run's frozen encoders, as evaluate --linear-probe does (a linear classifier on the concatenated features and one per modality, fitted on train, its epoch selected on validation, seeded with the run's seed): adds test-accuracy columns probe(all) and probe(MODALITY). Works with --aggregate on runs trained without it.")]
        public bool LinearProbe { get; init; }

        /// <inheritdoc />
        protected override void Check()
        {
            if (Seeds <= 0) throw new ArgumentException($"--seeds must be a positive integer, got {Seeds}.");
            if (MethodList.Count == 0) throw new ArgumentException("--methods needs at least one method.");
            if (new[] { Plan, Index is not null, Aggregate }.Count(chosen => chosen) > 1) throw new ArgumentException("Choose at most one of --plan, --index and --aggregate.");
            base.Check();
            _ = Grid();
        }

        /// <summary>The comparison grid these flags describe (building it checks every method's options).</summary>
        public Comparison Grid() => new(ToConfig("joint"), MethodList, Seeds, Out, Diagnostics(), VariantFlags.Parse(Variants)) { SettingName = SettingFlags.Of(typeof(Settings)) };

        private IReadOnlyList<IModelDiagnostic> Diagnostics()
        {
            var diagnostics = Comparison.DefaultDiagnostics.ToList();
            if (Robustness) diagnostics.Add(new RobustnessDiagnostic());
            if (LinearProbe) diagnostics.Add(new LinearProbeDiagnostic());
            return diagnostics;
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Comparison comparison = settings.Grid();
        comparison.Command = TrainingCommand(context.Arguments);
        if (settings.Plan)
        {
            AnsiConsole.Console.Profile.Out.Writer.Write(comparison.WritePlan());
            return 0;
        }
        ComparisonRun? row = settings.Index is null ? null : comparison.RunAt(settings.Index);
        if (settings.Aggregate) comparison.CheckFolder();
        else comparison.WritePlan();
        DatasetSplits splits = DatasetCatalog.Load(comparison.Runs[0].Config.Dataset);
        if (settings.LinearProbe && splits.Task.Kind != Tasks.TaskKind.Classification)
            throw new ArgumentException($"--linear-probe fits softmax classifiers of the frozen features: defined for classification, not the {Tasks.PredictionTask.NameOf(splits.Task.Kind)} task; leave it out.");
        ResultConsole.WriteLoadReport(splits.Report);
        if (row is { } run)
        {
            RunPlan plan = comparison.CheckRows(splits)[comparison.Runs.ToList().IndexOf(run)];
            TrainingDisplay.Run(new[] { new TrainingDisplay.Job($"{run.Method} seed {run.Seed}", observer => comparison.Train(run, plan, splits, observer)) });
            AnsiConsole.MarkupLine($"Run folder: [blue]{Markup.Escape(run.Folder)}[/]");
            return 0;
        }
        if (settings.Aggregate) return Aggregate(comparison, splits);
        IReadOnlyList<RunPlan> plans = comparison.CheckRows(splits);
        var jobs = comparison.Runs.Select((run, i) => new TrainingDisplay.Job(
            $"{run.Method} seed {run.Seed} ({i + 1}/{comparison.Runs.Count}){(Comparison.IsFinished(run) ? " finished earlier" : "")}",
            observer => comparison.Train(run, plans[i], splits, observer))).ToArray();
        IReadOnlyList<TrainingResult> results = TrainingDisplay.Run(jobs);
        ComparisonResults report = comparison.Report(results, splits);
        ComparisonReport.Write(comparison.OutputFolder);
        AnsiConsole.Console.Profile.Out.Writer.Write(ComparisonColumn.Markdown(report));
        AnsiConsole.MarkupLine($"Results, table and plots: [blue]{Markup.Escape(comparison.OutputFolder)}[/]; the page to read and share: [blue]{Markup.Escape(Path.Combine(comparison.OutputFolder, Html.ReportFile))}[/]");
        return 0;
    }

    // The command that trains the whole grid: this one without the flags that choose a part of the work.
    private static string TrainingCommand(IReadOnlyList<string> arguments)
    {
        var kept = new List<string> { "equimodal" };
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "--aggregate" or "--plan") continue;
            if (arguments[i] == "--index")
            {
                i++;
                continue;
            }
            if (arguments[i].StartsWith("--index=", StringComparison.Ordinal)) continue;
            kept.Add(arguments[i]);
        }
        return string.Join(" ", kept.Select(Quoted));
    }

    private static string Quoted(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_.,:=/+@%".Contains(c)) ? argument : "'" + argument.Replace("'", "'\\''") + "'";

    private static int Aggregate(Comparison comparison, DatasetSplits splits)
    {
        IReadOnlyList<ComparisonRun> missing = comparison.Missing();
        foreach (ComparisonRun run in missing) AnsiConsole.MarkupLine($"[yellow]missing:[/] row {comparison.Runs.ToList().IndexOf(run)} {Markup.Escape(run.Method)} seed {run.Seed} (train it with --index {comparison.Runs.ToList().IndexOf(run)})");
        ComparisonResults report = comparison.Aggregate(splits);
        ComparisonReport.Write(comparison.OutputFolder);
        AnsiConsole.Console.Profile.Out.Writer.Write(ComparisonColumn.Markdown(report));
        AnsiConsole.MarkupLine($"Results over {comparison.Runs.Count - missing.Count} of {comparison.Runs.Count} runs{(missing.Count > 0 ? $" ({missing.Count} missing, listed above)" : "")}: [blue]{Markup.Escape(comparison.OutputFolder)}[/]");
        return 0;
    }
}
