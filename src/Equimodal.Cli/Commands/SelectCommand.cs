using System.ComponentModel;
using System.Globalization;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Reporting;
using Equimodal.Selection;
using Equimodal.Tasks;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal select`: a budgeted choice of the training method on validation, then the winner's full run and one test evaluation.</summary>
public sealed class SelectCommand : Command<SelectCommand.Settings>
{
    /// <summary>Flags of `select`.</summary>
    public sealed class Settings : StandardTrainingSettings
    {
        /// <summary>Candidate methods.</summary>
        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated candidates (methods or --variant rows). Default: joint, attr-reg at lambda 1, 0.3 and 3 (rows attr-reg, attr-reg-lambda0.3, attr-reg-lambda3), umt, mmpareto, mbsd, amco, mla.")]
        public string? Methods { get; init; }

        /// <summary>Variants: rows that train a method with their own options.</summary>
        [CommandOption("--variant <NAME=METHOD>")]
        [Description(VariantFlags.Help)]
        public string[] Variants { get; init; } = Array.Empty<string>();

        /// <summary>Unimodal reference rows.</summary>
        [CommandOption("--references <LIST>")]
        [Description("Unimodal rows the failure gap is measured against: auto (NAME-only for every modality of the data), none (rank by accuracy alone), or a comma-separated list such as audio-only,visual-only.")]
        [DefaultValue("auto")]
        public string References { get; init; } = "auto";

        /// <summary>Budget in full runs.</summary>
        [CommandOption("--budget <RUNS>")]
        [Description("Training budget in full runs (one full run: --epochs epochs of one row), references and the winner's full run included. The rungs are fitted to it: first a first rung covering --grace epochs, then the most rungs (smallest eta), then a longer first rung; a budget too small for one epoch per candidate and the best one's full run is refused with the minimum.")]
        [DefaultValue(3.0)]
        public double Budget { get; init; } = 3;

        /// <summary>Reduction factor.</summary>
        [CommandOption("--eta <N>")]
        [Description("Smallest reduction factor: each rung keeps the best 1/N of the previous one and trains them N times as long (2 keeps the better half). A larger one is used when the budget needs it, up to a single rung whose best candidate continues.")]
        [DefaultValue(2)]
        public int Eta { get; init; } = 2;

        /// <summary>Grace period of the first rung.</summary>
        [CommandOption("--grace <EPOCHS>")]
        [Description("Epochs every candidate trains before the first cut, when the budget allows (ranks after one epoch are the noisiest and miss methods with slow starts); this comes before the number of rungs.")]
        [DefaultValue(2)]
        public int Grace { get; init; } = 2;

        /// <summary>Failure-gap bound in points.</summary>
        [CommandOption("--max-gap <POINTS>")]
        [Description("Candidates whose validation failure gap (a modality's unimodal reference accuracy minus its own-logit accuracy in the candidate, largest over modalities) is at most this many points rank first, by accuracy.")]
        [DefaultValue(2.0)]
        public double MaxGap { get; init; } = 2;

        /// <summary>Output folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Selection folder (selection.json, selection.md, runs/). Rerunning with the same flags continues where it stopped.")]
        [DefaultValue("select")]
        public string Out { get; init; } = "select";

        /// <summary>Write the current stage's jobs only.</summary>
        [CommandOption("--plan")]
        [Description("Write the jobs of the current stage (a rung, or the winner's final run) to DIR/plan.tsv and print them, without training. After they are done, run --plan again for the next stage.")]
        public bool Plan { get; init; }

        /// <summary>Train one job of the plan.</summary>
        [CommandOption("--index <I>")]
        [Description("Train only line I of DIR/plan.tsv (from --plan), or 'env' for the line a scheduler sets (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX).")]
        public string? Index { get; init; }

        /// <summary>Report only.</summary>
        [CommandOption("--aggregate")]
        [Description("Write selection.json and selection.md from the run folders as they stand and say what remains; trains nothing.")]
        public bool Aggregate { get; init; }

        private bool DefaultCandidates => Methods is null;

        /// <summary>The candidate rows.</summary>
        public IReadOnlyList<string> MethodList => DefaultCandidates ? MethodSelection.DefaultCandidates
            : Methods!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>
        /// The default candidates that train <paramref name="task"/> (rows whose method declares it), and a sentence naming
        /// those left out (null when none is).
        /// </summary>
        public static (IReadOnlyList<string> Candidates, string? Note) DefaultCandidatesFor(TaskKind task)
        {
            bool Trains(string row)
            {
                string method = MethodSelection.DefaultVariants.GetValueOrDefault(row, row);
                return MethodRegistry.Methods.FirstOrDefault(m => m.Name == method)?.Tasks.Contains(task) ?? true;
            }
            string[] kept = MethodSelection.DefaultCandidates.Where(Trains).ToArray(), left = MethodSelection.DefaultCandidates.Where(row => !Trains(row)).ToArray();
            return (kept, left.Length == 0 ? null
                : $"Default candidates left out because they do not train the {PredictionTask.NameOf(task)} task: {string.Join(", ", left)} (docs/tasks.md).");
        }

        /// <inheritdoc />
        protected override void Check()
        {
            if (new[] { Plan, Index is not null, Aggregate }.Count(chosen => chosen) > 1) throw new ArgumentException("Choose at most one of --plan, --index and --aggregate.");
            base.Check();
            // The candidates of the task --task names (without it the data decides, after loading, and is checked again then).
            _ = Selection(ReferenceList(Array.Empty<string>()), Task is null ? TaskKind.Classification : PredictionTask.Parse(Task));
        }

        /// <summary>The reference rows these flags name; "auto" takes <paramref name="auto"/>.</summary>
        public IReadOnlyList<string> ReferenceList(IReadOnlyList<string> auto) => References switch
        {
            "auto" => auto,
            "none" => Array.Empty<string>(),
            _ => References.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };

        /// <summary>
        /// The selection these flags describe (building it checks the candidates, their options and the budget) on data of
        /// <paramref name="task"/>'s kind: default candidates limited to those that train it, ranked by its main metric
        /// (<paramref name="mainMetric"/>).
        /// </summary>
        public MethodSelection Selection(IReadOnlyList<string> references, TaskKind task = TaskKind.Classification, string mainMetric = "accuracy")
        {
            RunConfig config = ToConfig("joint");
            var variants = VariantFlags.Parse(Variants);
            if (DefaultCandidates)
            {
                var options = new Dictionary<string, string>(MethodSelection.DefaultVariantOptions, StringComparer.Ordinal);
                foreach ((string key, string value) in config.MethodOptions) options[key] = value;
                config = config with { MethodOptions = options };
                foreach ((string name, string method) in MethodSelection.DefaultVariants) variants.TryAdd(name, method);
            }
            var (candidates, note) = DefaultCandidates ? DefaultCandidatesFor(task) : (MethodList, null);
            var settings = new SelectionSettings { BudgetRuns = Budget, Eta = Eta, GraceEpochs = Grace, MaxFailureGap = MaxGap / 100, MainMetric = mainMetric, CandidateNote = note };
            return new MethodSelection(config, candidates, references, Out, settings, variants);
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DatasetSplits splits = DatasetCatalog.Load(settings.ToDatasetRequest());
        ResultConsole.WriteLoadReport(splits.Report);
        MethodSelection selection = settings.Selection(settings.ReferenceList(MethodSelection.ReferencesFor(splits)), splits.Task.Kind, splits.Task.MainMetric.Name);
        selection.CheckRows(splits);
        TextWriter output = AnsiConsole.Console.Profile.Out.Writer;
        if (settings.Plan)
        {
            output.Write(selection.WritePlan());
            return 0;
        }
        if (settings.Index is not null)
        {
            SelectionJob job = selection.JobAt(settings.Index);
            TrainingDisplay.Run(new[] { Job(job, selection, splits) });
            AnsiConsole.MarkupLine($"Run folder: [blue]{Markup.Escape(job.Run.Folder)}[/]; when every line of the plan is done, run select --plan again for the next stage.");
            return 0;
        }
        if (!settings.Aggregate)
        {
            for (SelectionStage stage = selection.NextStage(); stage.Jobs.Count > 0; stage = selection.NextStage())
                TrainingDisplay.Run(stage.Jobs.Where(job => !MethodSelection.IsDone(job)).Select(job => Job(job, selection, splits)).ToArray());
        }
        SelectionReport report = selection.Report(splits);
        output.Write(SelectionMarkdown.Write(report));
        AnsiConsole.MarkupLine($"Selection: [blue]{Markup.Escape(selection.OutputFolder)}[/] ({Markup.Escape(report.Status)})");
        return 0;
    }

    private static TrainingDisplay.Job Job(SelectionJob job, MethodSelection selection, DatasetSplits splits)
    {
        string until = job.PauseAfterEpoch is int epoch ? string.Create(CultureInfo.InvariantCulture, $"to epoch {epoch}/{selection.Schedule.FullEpochs}") : "full run and test";
        return new TrainingDisplay.Job($"{job.Stage}: {job.Run.Method} {until}", observer => MethodSelection.Train(job, splits, observer));
    }
}
