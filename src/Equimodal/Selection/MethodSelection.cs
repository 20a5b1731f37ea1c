using System.Globalization;
using System.Text.Json;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Training;

namespace Equimodal.Selection;

/// <summary>
/// What `equimodal select` does: a budgeted choice of a training method and its options on the validation split.
/// Successive halving (<see cref="HalvingSchedule"/>) trains every candidate a few epochs of the full schedule, keeps
/// the better ones by <see cref="SelectionRule"/> (validation accuracy among candidates whose validation failure gap
/// against the unimodal reference rows is within the bound), continues them from their own checkpoints, and so on; the
/// winner then continues to the full schedule and is evaluated on test once. Every run pauses at a rung as a prefix of
/// its full schedule, so the winner's final model equals an uninterrupted full run. The state is the run folders under
/// DIR/runs: rerunning continues where it stopped, and every stage's jobs can run on separate machines
/// (<see cref="WritePlan"/>, <see cref="JobAt"/>). Writes DIR/selection.json and DIR/selection.md.
/// </summary>
public sealed class MethodSelection
{
    /// <summary>File name of the selection's record.</summary>
    public const string JsonFile = "selection.json";

    /// <summary>File name of the selection's summary.</summary>
    public const string MarkdownFile = "selection.md";

    /// <summary>File listing the current stage's jobs, numbered as --index takes them (written by <see cref="WritePlan"/>).</summary>
    public const string PlanFile = "plan.tsv";

    private const string FinalStage = "final";
    private const string UnimodalSuffix = "-only";

    /// <summary>Candidates when none are given: seven balancing methods and attr-reg at two more penalty weights.</summary>
    public static IReadOnlyList<string> DefaultCandidates { get; } =
        new[] { "joint", "attr-reg", "attr-reg-lambda0.3", "attr-reg-lambda3", "umt", "mmpareto", "mbsd", "amco", "mla" };

    /// <summary>The default candidates that are variants: row name to method.</summary>
    public static IReadOnlyDictionary<string, string> DefaultVariants { get; } =
        new Dictionary<string, string> { ["attr-reg-lambda0.3"] = "attr-reg", ["attr-reg-lambda3"] = "attr-reg" };

    /// <summary>The default variants' own options, as --method-option takes them.</summary>
    public static IReadOnlyDictionary<string, string> DefaultVariantOptions { get; } =
        new Dictionary<string, string> { ["attr-reg-lambda0.3:lambda"] = "0.3", ["attr-reg-lambda3:lambda"] = "3" };

    /// <summary>
    /// Plans the selection among <paramref name="candidates"/> (methods, or variants named in <paramref name="variants"/>
    /// with options "NAME:key=value" in <c>baseConfig.MethodOptions</c>, as in <see cref="Comparison"/>), measuring failure
    /// gaps against <paramref name="references"/> ("NAME-only" rows, e.g. <see cref="ReferencesFor"/>; empty: no gap).
    /// Every row trains with <c>baseConfig.Training.Seed</c> and the full schedule of <c>baseConfig.Training.Epochs</c>.
    /// </summary>
    public MethodSelection(RunConfig baseConfig, IReadOnlyList<string> candidates, IReadOnlyList<string> references, string outputFolder,
        SelectionSettings? settings = null, IReadOnlyDictionary<string, string>? variants = null)
    {
        foreach (string reference in references.Where(r => !r.EndsWith(UnimodalSuffix, StringComparison.Ordinal)))
            throw new ArgumentException($"Reference row '{reference}' is not a unimodal NAME-only method (e.g. audio-only).");
        foreach (string both in candidates.Intersect(references))
            throw new ArgumentException($"'{both}' is listed as a candidate and as a unimodal reference; a reference cannot be selected.");
        Settings = settings ?? new SelectionSettings();
        if (!(Settings.MaxFailureGap >= 0) || double.IsInfinity(Settings.MaxFailureGap))
            throw new ArgumentException($"--max-gap must be a non-negative number of points, got {100 * Settings.MaxFailureGap}.");
        var grid = new Comparison(baseConfig, candidates.Concat(references).ToArray(), seeds: 1, outputFolder, Array.Empty<IModelDiagnostic>(), variants);
        OutputFolder = grid.OutputFolder;
        Candidates = grid.Runs.Take(candidates.Count).ToArray();
        References = grid.Runs.Skip(candidates.Count).ToArray();
        Schedule = HalvingSchedule.WithinBudget(candidates.Count, baseConfig.Training.Epochs, Settings.Eta, Settings.BudgetRuns, references.Count, Settings.GraceEpochs);
        Rule = new SelectionRule(Settings.MaxFailureGap, Settings.MainMetric);
        _grid = grid;
        _trains = grid.Runs.ToDictionary(run => run.Method,
            run => string.Join(" ", run.Config.MethodOptions.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}").Prepend(run.Config.Method)));
    }

    private readonly IReadOnlyDictionary<string, string> _trains;
    private readonly Comparison _grid;

    /// <summary>
    /// Plans every candidate and reference on <paramref name="splits"/> (its modalities, fusion and task), so that a row
    /// that cannot train is refused before any trains.
    /// </summary>
    public void CheckRows(DatasetSplits splits) => _grid.CheckRows(splits);

    /// <summary>The unimodal reference rows of every modality of <paramref name="splits"/>.</summary>
    public static IReadOnlyList<string> ReferencesFor(DatasetSplits splits) => splits.Modalities.Select(m => m.Name + UnimodalSuffix).ToArray();

    /// <summary>Absolute path of the selection folder.</summary>
    public string OutputFolder { get; }

    /// <summary>Budget, eta and failure-gap bound.</summary>
    public SelectionSettings Settings { get; }

    /// <summary>The candidate rows, in the order given.</summary>
    public IReadOnlyList<ComparisonRun> Candidates { get; }

    /// <summary>The unimodal reference rows.</summary>
    public IReadOnlyList<ComparisonRun> References { get; }

    /// <summary>The rungs.</summary>
    public HalvingSchedule Schedule { get; }

    /// <summary>The decision rule.</summary>
    public SelectionRule Rule { get; }

    /// <summary>Runs every remaining stage, then writes and returns the report; <paramref name="observe"/> gives each job's progress observer.</summary>
    public SelectionReport Run(DatasetSplits splits, Func<SelectionJob, ITrainingObserver?>? observe = null)
    {
        CheckRows(splits);
        for (SelectionStage stage = NextStage(); stage.Jobs.Count > 0; stage = NextStage())
        {
            foreach (SelectionJob job in stage.Jobs.Where(job => !IsDone(job))) Train(job, splits, observe?.Invoke(job));
        }
        return Report(splits);
    }

    /// <summary>Whether <paramref name="job"/>'s run has trained its epochs (or, for the final stage, finished and been evaluated).</summary>
    public static bool IsDone(SelectionJob job)
    {
        var folder = new RunFolder(job.Run.Folder);
        return job.PauseAfterEpoch is int epoch ? folder.ReadEpochs().Count >= epoch : folder.IsFinished;
    }

    /// <summary>
    /// Trains <paramref name="job"/>: starts or continues its run to the rung's epoch, or finishes it and evaluates it on
    /// test. A job already done is read back; a folder holding a run of another configuration is refused.
    /// </summary>
    public static TrainingResult Train(SelectionJob job, DatasetSplits splits, ITrainingObserver? observer = null)
    {
        var folder = new RunFolder(job.Run.Folder);
        bool started = File.Exists(folder.File(RunFolder.ConfigFile));
        if (started) Comparison.CheckRecordedConfig(job.Run, Comparison.Plan(job.Run, splits));
        if (job.PauseAfterEpoch is int epoch)
        {
            IReadOnlyList<EpochRecord> records = folder.ReadEpochs();
            return records.Count >= epoch ? new TrainingResult { Method = job.Run.Config.Method, History = records }
                : Experiment.TrainUntil(job.Run.Config, splits, job.Run.Folder, epoch, observer);
        }
        if (folder.IsFinished) return folder.ReadResults();
        return started ? Experiment.Resume(job.Run.Folder, splits, observer) : Experiment.Run(job.Run.Config, splits, job.Run.Folder, observer);
    }

    /// <summary>The first stage with work left, decided from the run folders (so a rerun continues where the last one stopped).</summary>
    public SelectionStage NextStage()
    {
        var records = new Dictionary<string, IReadOnlyList<EpochRecord>>();
        IReadOnlyList<EpochRecord> Records(ComparisonRun run) =>
            records.TryGetValue(run.Method, out var read) ? read : records[run.Method] = new RunFolder(run.Folder).ReadEpochs();

        var decided = new List<RungRecord>();
        IReadOnlyList<ComparisonRun> members = Candidates;
        for (int k = 0; k < Schedule.Rungs.Count; k++)
        {
            string name = $"rung {k}";
            int epochs = Schedule.Rungs[k].Epochs;
            var jobs = members.Select(run => new SelectionJob(name, run, epochs)).ToList();
            if (k == 0) jobs.AddRange(References.Select(run => new SelectionJob(name, run, Schedule.ReferenceEpochs)));
            if (jobs.Any(job => Records(job.Run).Count < job.PauseAfterEpoch)) return new SelectionStage(name, jobs, decided, null, null);
            var references = References.ToDictionary(run => run.Method[..^UnimodalSuffix.Length], run => BestWithin(Records(run), epochs).Validation.Accuracy);
            IReadOnlyList<CandidateScore> ranked = Rule.Rank(members.Select(run => Score(run.Method, BestWithin(Records(run), epochs), references)).ToArray());
            int keep = k + 1 < Schedule.Rungs.Count ? Schedule.Rungs[k + 1].Candidates : 1;
            var kept = ranked.Take(keep).Select(score => score.Name).ToHashSet(StringComparer.Ordinal);
            members = members.Where(run => kept.Contains(run.Method)).ToArray();
            decided.Add(new RungRecord(k, epochs, ranked, members.Select(run => run.Method).ToArray()));
        }
        RungRecord last = decided[^1];
        string winner = last.Ranking[0].Name;
        var final = new List<SelectionJob> { new(FinalStage, Candidates.First(run => run.Method == winner), null) };
        // References trained to the full schedule are evaluated on test too, for the winner's test failure gap; no training.
        if (Schedule.ReferenceEpochs == Schedule.FullEpochs) final.AddRange(References.Select(run => new SelectionJob(FinalStage, run, null)));
        bool complete = final.All(IsDone);
        int validationSamples = BestWithin(Records(final[0].Run), last.Epochs).Validation.Samples;
        return new SelectionStage(complete ? "complete" : FinalStage, complete ? Array.Empty<SelectionJob>() : final, decided, winner, Rule.Explain(last.Ranking, last.Epochs, validationSamples));
    }

    /// <summary>The candidate's score from its best epoch within a rung: validation accuracy and failure gap against the references' best accuracy within the same epochs.</summary>
    public static CandidateScore Score(string candidate, EpochRecord best, IReadOnlyDictionary<string, double> referenceAccuracy) =>
        new(candidate, best.Validation.Accuracy, FailureGap.Of(FailureGap.PerModality(best.Validation.ModalityAccuracy, referenceAccuracy)));

    /// <summary>The epoch among the first <paramref name="epochs"/> whose weights a run keeps: the first with the best validation accuracy.</summary>
    public static EpochRecord BestWithin(IReadOnlyList<EpochRecord> records, int epochs) =>
        records.Take(epochs).Aggregate((best, record) => record.Validation.Accuracy > best.Validation.Accuracy ? record : best);

    /// <summary>Writes the current stage's jobs to <see cref="PlanFile"/> (index, stage, row, epoch to pause after or "full", done, folder) and returns its text.</summary>
    public string WritePlan()
    {
        SelectionStage stage = NextStage();
        string text = "index\tstage\trow\tepochs\tdone\tfolder\n" + string.Concat(stage.Jobs.Select((job, i) => string.Create(CultureInfo.InvariantCulture,
            $"{i}\t{job.Stage}\t{job.Run.Method}\t{job.PauseAfterEpoch?.ToString(CultureInfo.InvariantCulture) ?? "full"}\t{(IsDone(job) ? "yes" : "no")}\t{Path.GetRelativePath(OutputFolder, job.Run.Folder)}\n")));
        Directory.CreateDirectory(OutputFolder);
        File.WriteAllText(Path.Combine(OutputFolder, PlanFile), text);
        return text;
    }

    /// <summary>
    /// The job at <paramref name="index"/> of the plan last written by <see cref="WritePlan"/>: a number, or "env" for the
    /// index a scheduler sets (<see cref="Comparison.IndexVariables"/>).
    /// </summary>
    public SelectionJob JobAt(string index)
    {
        string path = Path.Combine(OutputFolder, PlanFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist: run select --plan first, then one --index per line of it.", path);
        string text = Comparison.ResolveIndex(index);
        string[][] rows = File.ReadLines(path).Skip(1).Where(line => line.Length > 0).Select(line => line.Split('\t')).ToArray();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int row) || row >= rows.Length)
            throw new ArgumentException($"--index {text} is not a line of {path}: lines are 0 to {rows.Length - 1}.");
        string[] cells = rows[row];
        ComparisonRun run = Candidates.Concat(References).FirstOrDefault(r => r.Method == cells[2])
            ?? throw new InvalidOperationException($"{path} line {row} trains '{cells[2]}', which is not a row of this selection: run select --plan again with the same flags.");
        return new SelectionJob(cells[1], run, cells[3] == "full" ? null : int.Parse(cells[3], CultureInfo.InvariantCulture));
    }

    /// <summary>Writes selection.json and selection.md over the run folders as they stand, and returns the report.</summary>
    public SelectionReport Report(DatasetSplits splits)
    {
        SelectionStage stage = NextStage();
        var report = new SelectionReport
        {
            Status = stage.Name == "complete" ? "complete" : $"{stage.Name}: {stage.Jobs.Count(job => !IsDone(job))} of {stage.Jobs.Count} run(s) to train",
            FullEpochs = Schedule.FullEpochs,
            Eta = Schedule.Eta,
            GraceEpochs = Settings.GraceEpochs,
            BudgetRuns = Settings.BudgetRuns,
            MaxFailureGap = Settings.MaxFailureGap,
            Criterion = Criterion(),
            MainMetric = Settings.MainMetric == "accuracy" ? null : Settings.MainMetric,
            CandidateNote = Settings.CandidateNote,
            Candidates = Candidates.Select(run => Row(run) with
            {
                LastRung = stage.Decided.Where(rung => rung.Ranking.Any(s => s.Name == run.Method)).Select(rung => rung.Rung).DefaultIfEmpty(0).Max(),
            }).ToArray(),
            References = References.Select(run => (RowRecord)Row(run)).ToArray(),
            Rungs = stage.Decided,
            Winner = stage.Winner,
            Reason = stage.Reason,
            Compute = Compute(),
            Final = stage.Name == "complete" ? Final(stage.Winner!) : null,
            DataReport = splits.Report,
        };
        Directory.CreateDirectory(OutputFolder);
        File.WriteAllText(Path.Combine(OutputFolder, JsonFile), JsonSerializer.Serialize(report, Json.Indented) + "\n");
        File.WriteAllText(Path.Combine(OutputFolder, MarkdownFile), SelectionMarkdown.Write(report));
        return report;
    }

    private string Criterion()
    {
        string metric = Settings.MainMetric;
        string scale = metric == "accuracy" ? "" : $" ({metric} x100)";
        return FormattableString.Invariant($"Successive halving on the validation split (eta {Schedule.Eta}; rungs after {string.Join(", ", Schedule.Rungs.Select(r => $"{r.Epochs} epoch(s) with {r.Candidates} candidates"))}; full schedule {Schedule.FullEpochs} epochs; the budget of {Settings.BudgetRuns:0.##} full runs fitted with the first rung covering {Math.Min(Schedule.Rungs[0].Epochs, Settings.GraceEpochs)} of the {Settings.GraceEpochs} grace epoch(s) before the number of rungs). ") +
            FormattableString.Invariant($"In every rung, candidates whose validation failure gap is at most {100 * Settings.MaxFailureGap:0.##} points{scale} rank first, by their best validation {metric} so far; the others follow, by {metric}. ") +
            $"The failure gap of a modality is its unimodal reference's best validation {metric} within the same epochs minus the {metric} of its own {(metric == "accuracy" ? "logits" : "head")} in the candidate; a candidate's gap is the largest over modalities. Test data is used once, for the winner's full run.";
    }

    private CandidateRecord Row(ComparisonRun run)
    {
        IReadOnlyList<EpochRecord> records = new RunFolder(run.Folder).ReadEpochs();
        return new CandidateRecord
        {
            Name = run.Method,
            Trains = _trains[run.Method],
            RunFolder = Path.GetRelativePath(OutputFolder, run.Folder),
            Epochs = records.Count,
            ValidationCurve = records.Select(r => r.Validation.Accuracy).ToArray(),
        };
    }

    private ComputeRecord Compute()
    {
        IReadOnlyList<EpochRecord>[] records = Candidates.Concat(References).Select(run => new RunFolder(run.Folder).ReadEpochs()).ToArray();
        int epochs = records.Sum(r => r.Count);
        return new ComputeRecord
        {
            Epochs = epochs,
            PlannedEpochs = Schedule.TotalEpochs,
            FullRuns = (double)epochs / Schedule.FullEpochs,
            TrainSeconds = records.Sum(r => r.Sum(e => e.TrainSeconds)),
        };
    }

    private FinalRecord Final(string winner)
    {
        TrainingResult result = new RunFolder(Candidates.First(run => run.Method == winner).Folder).ReadResults();
        var referenceFolders = References.Select(run => (Modality: run.Method[..^UnimodalSuffix.Length], Folder: new RunFolder(run.Folder))).ToArray();
        double? gap = referenceFolders.Length > 0 && referenceFolders.All(r => r.Folder.IsFinished)
            ? FailureGap.Of(FailureGap.PerModality(result.Test.ModalityAccuracy, referenceFolders.ToDictionary(r => r.Modality, r => r.Folder.ReadResults().Test.Accuracy)))
            : null;
        return new FinalRecord
        {
            BestEpoch = result.BestEpoch,
            ValidationAccuracy = result.Validation.Accuracy,
            Test = result.Test,
            TestFailureGap = gap,
        };
    }
}
