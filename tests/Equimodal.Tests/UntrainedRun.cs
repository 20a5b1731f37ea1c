using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Models;

namespace Equimodal.Tests;

/// <summary>Run folders holding an untrained model: for tests of the commands that open a run (no training: fast and deterministic).</summary>
public static class UntrainedRun
{
    /// <summary>Writes config.json and model.bin (with its checksum) of an untrained <paramref name="model"/> for <paramref name="request"/>; returns the folder.</summary>
    public static string Create(DatasetRequest request, ModelOptions model)
    {
        string path = TestData.TempFolder();
        DatasetSplits splits = DatasetCatalog.Load(request);
        var config = new RunConfig
        {
            Dataset = request, Model = model, Training = TestData.ShortTraining,
            Modalities = splits.Modalities, ClassNames = splits.ClassNames,
        };
        var folder = new RunFolder(path);
        folder.Start(config);
        using MultimodalClassifier classifier = ModelFactory.Create(config.Modalities, config.ClassNames.Count, config.Model);
        folder.SaveModel(classifier);
        return path;
    }
}
