using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Reporting;

namespace Equimodal.Training;

/// <summary>Runs one configured training from start to finish and writes its run folder: what `equimodal train` does.</summary>
public static class Experiment
{
    /// <summary>
    /// Trains <paramref name="config"/>'s method on <paramref name="splits"/>; when <paramref name="outputFolder"/> is given,
    /// writes config.json first, one metrics.jsonl line per epoch, then the weights and results.json.
    /// </summary>
    public static TrainingResult Run(RunConfig config, DatasetSplits splits, string? outputFolder, ITrainingObserver? observer = null)
    {
        var settings = new MethodSettings(config.MethodOptions);
        TrainingMethod method = MethodRegistry.Create(config.Method, settings);
        var trainer = new Trainer(config.Training, config.Model, observer);
        RunFolder? folder = outputFolder is null ? null : new RunFolder(outputFolder);
        if (folder is not null)
        {
            RunConfig complete = config with
            {
                Modalities = method.SelectModalities(splits.Modalities).Select(i => splits.Modalities[i]).ToArray(),
                ClassNames = splits.ClassNames,
            };
            folder.Start(complete);
            trainer.EpochCompleted += (_, record) => folder.AppendEpoch(record);
        }
        TrainingResult result = trainer.Fit(method, splits);
        if (folder is not null)
        {
            folder.SaveModel(trainer.Model!);
            folder.WriteResults(result);
        }
        trainer.Model!.Dispose();
        return result;
    }
}
