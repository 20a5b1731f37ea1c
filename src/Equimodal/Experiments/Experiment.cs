using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Methods;
using Equimodal.Reporting;
using Equimodal.Reporting.TensorBoard;
using Equimodal.Training;

namespace Equimodal.Experiments;

/// <summary>Runs one configured training from start to finish and writes its run folder: what `equimodal train` does.</summary>
public static class Experiment
{
    /// <summary>
    /// Trains <paramref name="config"/>'s method on <paramref name="splits"/>; when <paramref name="outputFolder"/> is given,
    /// claims it (<see cref="RunFolder.ClaimForNewRun"/>: a folder holding a run or anything else is refused unless
    /// <paramref name="overwrite"/> moves an old run aside; the folder is locked while training), then
    /// writes config.json first (with every method option's value, the software versions, device and threads, the number of ranks and the per-rank batch), one metrics.jsonl line per epoch (and,
    /// unless <see cref="RunConfig.TensorBoard"/> is off, a TensorBoard event), checkpoints, then the weights and
    /// results.json. Data-parallel over <paramref name="collective"/>; only rank 0 writes.
    /// </summary>
    public static TrainingResult Run(RunConfig config, DatasetSplits splits, string? outputFolder, ITrainingObserver? observer = null, ICollective? collective = null,
        bool overwrite = false)
    {
        TrainingMethod method = Create(config);
        return Run(config, method, RunPlan.Of(method, splits.Modalities, config.Model, splits.Task.Kind), splits, outputFolder, observer, collective, overwrite);
    }

    /// <summary>As the public overload, for a caller that planned the run already (a comparison checks every row's plan first).</summary>
    internal static TrainingResult Run(RunConfig config, TrainingMethod method, RunPlan plan, DatasetSplits splits, string? outputFolder, ITrainingObserver? observer = null,
        ICollective? collective = null, bool overwrite = false)
    {
        collective ??= SingleProcess.Instance;
        RunFolder? folder = outputFolder is null ? null : new RunFolder(outputFolder);
        using RunFolderLock? owner = folder is not null && collective.Rank == 0 ? RunFolder.ClaimForNewRun(folder.Path, overwrite, out _) : null;
        ReportTakeOver(owner, observer);
        if (folder is not null && collective.Rank == 0) Start(folder, config, plan, splits, collective.World);
        return Execute(config, method, plan, splits, folder, resume: false, observer, collective);
    }

    /// <summary>The method <paramref name="config"/> trains, with its options.</summary>
    internal static TrainingMethod Create(RunConfig config) => MethodRegistry.Create(config.Method, new MethodSettings(config.MethodOptions));

    /// <summary>
    /// Trains <paramref name="config"/>'s run in <paramref name="runFolder"/> up to the end of epoch <paramref name="epoch"/>
    /// of its schedule and pauses there, without a test evaluation, model.bin or results.json: the first call starts the
    /// run, later ones continue it from its newest checkpoint (a run already past <paramref name="epoch"/> is only read).
    /// The schedule keeps <c>config.Training.Epochs</c> epochs, so <see cref="Resume"/> later finishes the run exactly as an
    /// uninterrupted one. In one process.
    /// </summary>
    public static TrainingResult TrainUntil(RunConfig config, DatasetSplits splits, string runFolder, int epoch, ITrainingObserver? observer = null)
    {
        if (epoch <= 0 || epoch > config.Training.Epochs) throw new ArgumentException($"Pausing after epoch {epoch} needs an epoch in 1..{config.Training.Epochs}.");
        var folder = new RunFolder(runFolder);
        bool started = File.Exists(folder.File(RunFolder.ConfigFile));
        RunConfig trained = started ? folder.ReadConfig() : config;
        TrainingMethod method = Create(trained);
        RunPlan plan = started ? trained.Plan(splits.Modalities, folder.Path) : RunPlan.Of(method, splits.Modalities, config.Model, splits.Task.Kind);
        using RunFolderLock owner = started ? RunFolderLock.Acquire(folder.Path) : RunFolder.ClaimForNewRun(folder.Path, overwrite: false, out _);
        ReportTakeOver(owner, observer);
        if (!started) Start(folder, config, plan, splits, world: 1);
        return Execute(trained, method, plan, splits, folder, resume: started, observer, SingleProcess.Instance, epoch);
    }

    private static void Start(RunFolder folder, RunConfig config, RunPlan plan, DatasetSplits splits, int world)
    {
        DeviceSelector.ConfigureThreads(config.Training.Threads);
        folder.Start(config with
        {
            MethodOptions = MethodRegistry.ResolvedOptions(config.Method, config.MethodOptions),
            Modalities = plan.Modalities,
            ClassNames = splits.ClassNames,
            Task = splits.Task.Kind,
            Model = plan.Model,
            Environment = ReproducibilityInfo.Capture(DeviceSelector.Resolve(config.Training.Device).type.ToString().ToLowerInvariant(), world, config.Training.BatchSize),
        });
        folder.WritePreprocessing(splits.Preprocessing);
    }

    /// <summary>
    /// Continues the run in <paramref name="runFolder"/> from its newest readable checkpoint (or from the start when it
    /// has none), with the configuration in its config.json; the result equals that of an uninterrupted run. On another
    /// number of ranks than the checkpoint's, see <see cref="WorldSizeOnResume"/>.
    /// </summary>
    public static TrainingResult Resume(string runFolder, DatasetSplits splits, ITrainingObserver? observer = null, ICollective? collective = null)
    {
        var folder = new RunFolder(runFolder);
        RunConfig config = folder.ReadConfig();
        using RunFolderLock? owner = (collective ?? SingleProcess.Instance).Rank == 0 ? RunFolderLock.Acquire(folder.Path) : null;
        ReportTakeOver(owner, observer);
        return Execute(config, Create(config), config.Plan(splits.Modalities, folder.Path), splits, folder, resume: true, observer, collective ?? SingleProcess.Instance);
    }

    private static void ReportTakeOver(RunFolderLock? owner, ITrainingObserver? observer)
    {
        if (owner?.TakenOverFrom is { } previous) observer?.OnWarning($"The run folder's lock was left by a process that no longer runs ({previous}); taken over.");
    }

    private static TrainingResult Execute(RunConfig config, TrainingMethod method, RunPlan plan, DatasetSplits splits, RunFolder? folder, bool resume,
        ITrainingObserver? observer, ICollective collective, int? pauseAfterEpoch = null)
    {
        // Every rank reads a checkpoint to resume from; the trainer lets only rank 0 write them.
        CheckpointStore? checkpoints = folder?.Checkpoints(config.Training.KeepCheckpoints);
        if (collective.Rank != 0) folder = null;
        TensorBoardObserver? tensorBoard = folder is not null && config.TensorBoard ? new TensorBoardObserver(folder.Path) : null;
        // The folder's metrics.jsonl first: an observer of the caller may read it at the end of an epoch.
        var trainer = new Trainer(config.Training, config.Model, new CompositeObserver(folder is null ? null : new RunFolderLog(folder), observer, tensorBoard), collective);
        if (folder is not null)
        {
            if (resume) folder.RewriteMetrics(Array.Empty<EpochRecord>());
            tensorBoard?.Restart(Array.Empty<EpochRecord>());
        }
        try
        {
            TrainingResult result = trainer.Fit(method, plan, splits, checkpoints, resume, pauseAfterEpoch) with { DataReport = splits.Report };
            if (folder is not null && pauseAfterEpoch is null)
            {
                folder.SaveModel(trainer.Model!);
                folder.WriteResults(result);
            }
            return result;
        }
        finally
        {
            trainer.Model?.Dispose();
        }
    }
}
