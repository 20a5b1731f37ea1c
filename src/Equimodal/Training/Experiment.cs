using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Reporting;

namespace Equimodal.Training;

/// <summary>Runs one configured training from start to finish and writes its run folder: what `equimodal train` does.</summary>
public static class Experiment
{
    /// <summary>
    /// Trains <paramref name="config"/>'s method on <paramref name="splits"/>; when <paramref name="outputFolder"/> is given,
    /// writes config.json first (with the software versions, device and threads), one metrics.jsonl line per epoch,
    /// checkpoints, then the weights and results.json.
    /// </summary>
    public static TrainingResult Run(RunConfig config, DatasetSplits splits, string? outputFolder, ITrainingObserver? observer = null)
    {
        TrainingMethod method = MethodRegistry.Create(config.Method, new MethodSettings(config.MethodOptions));
        RunFolder? folder = outputFolder is null ? null : new RunFolder(outputFolder);
        if (folder is not null)
        {
            DeviceSelector.ConfigureThreads(config.Training.Threads);
            RunPlan plan = RunPlan.Of(method, splits.Modalities, config.Model);
            folder.Start(config with
            {
                Modalities = plan.Modalities,
                ClassNames = splits.ClassNames,
                Model = plan.Model,
                Environment = ReproducibilityInfo.Capture(DeviceSelector.Resolve(config.Training.Device).type.ToString().ToLowerInvariant()),
            });
            foreach (string stale in folder.Checkpoints(config.Training.KeepCheckpoints).Files()) File.Delete(stale);
        }
        return Execute(config, method, splits, folder, resume: false, observer);
    }

    /// <summary>
    /// Continues the run in <paramref name="runFolder"/> from its newest readable checkpoint (or from the start when it
    /// has none), with the configuration in its config.json; the result equals that of an uninterrupted run.
    /// </summary>
    public static TrainingResult Resume(string runFolder, DatasetSplits splits, ITrainingObserver? observer = null)
    {
        var folder = new RunFolder(runFolder);
        RunConfig config = folder.ReadConfig();
        TrainingMethod method = MethodRegistry.Create(config.Method, new MethodSettings(config.MethodOptions));
        return Execute(config, method, splits, folder, resume: true, observer);
    }

    private static TrainingResult Execute(RunConfig config, TrainingMethod method, DatasetSplits splits, RunFolder? folder, bool resume, ITrainingObserver? observer)
    {
        var trainer = new Trainer(config.Training, config.Model, observer);
        CheckpointStore? checkpoints = folder?.Checkpoints(config.Training.KeepCheckpoints);
        if (folder is not null)
        {
            if (resume) folder.RewriteMetrics(Array.Empty<EpochRecord>());
            trainer.EpochCompleted += (_, record) => folder.AppendEpoch(record);
            trainer.Resumed += folder.RewriteMetrics;
        }
        try
        {
            TrainingResult result = trainer.Fit(method, splits, checkpoints, resume) with { DataReport = splits.Report };
            if (folder is not null)
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
