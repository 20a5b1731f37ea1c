using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Experiments;

/// <summary>
/// Linear probing, an evaluation protocol (BalanceBenchmark's `LinearProbe_trainer.py`): a trained model's encoders are
/// frozen and a new linear classifier is trained with cross-entropy on their concatenated features, and one per modality
/// on that modality's features alone, on the training split; each probe is selected on validation accuracy (BalanceMM
/// keeps the last epoch) and reported on test. A modality whose probe is far below what its unimodal model reaches is
/// an encoder the multimodal training left under-trained. Features are computed once, without augmentation.
/// </summary>
public static class LinearProbe
{
    /// <summary>Probes of <paramref name="model"/>'s encoders on <paramref name="splits"/> (bound to the model): the concatenation first, then each modality.</summary>
    public static IReadOnlyList<ProbeResult> Run(MultimodalClassifier model, DatasetSplits splits, int batchSize, Device device, LinearProbeOptions? options = null)
    {
        if (splits.Task.Kind != Tasks.TaskKind.Classification)
            throw new ArgumentException($"Linear probes are softmax classifiers of the frozen features: defined for classification, not the {Tasks.PredictionTask.NameOf(splits.Task.Kind)} task.");
        options ??= new LinearProbeOptions();
        var (train, trainLabels) = EncoderFeatures.Extract(model, splits.Train, batchSize, device);
        var (validation, validationLabels) = EncoderFeatures.Extract(model, splits.Validation, batchSize, device);
        var (test, testLabels) = EncoderFeatures.Extract(model, splits.Test, batchSize, device);
        try
        {
            var results = new List<ProbeResult>();
            using (Tensor trainAll = cat(train, 1), validationAll = cat(validation, 1), testAll = cat(test, 1))
                results.Add(Fit(ProbeResult.AllFeatures, trainAll, trainLabels, validationAll, validationLabels, testAll, testLabels, model.Classes, options));
            for (int m = 0; m < train.Length; m++)
                results.Add(Fit(model.ModalityNames[m], train[m], trainLabels, validation[m], validationLabels, test[m], testLabels, model.Classes, options));
            return results;
        }
        finally
        {
            foreach (Tensor t in train.Concat(validation).Concat(test).Append(trainLabels).Append(validationLabels).Append(testLabels)) t.Dispose();
        }
    }

    /// <summary>Trains one linear probe on fixed features and selects its epoch on validation accuracy.</summary>
    public static ProbeResult Fit(string name, Tensor trainX, Tensor trainY, Tensor validationX, Tensor validationY, Tensor testX, Tensor testY,
        int classes, LinearProbeOptions options)
    {
        torch.manual_seed(options.Seed);
        using var probe = nn.Linear(trainX.shape[1], classes);
        probe.to(trainX.device);
        using optim.Optimizer optimizer = OptimizerFactory.Create(probe.parameters(), new TrainingOptions { Optimizer = "adamw", LearningRate = options.LearningRate }, weightDecay: 0);
        double bestValidation = -1, bestTest = 0;
        int bestEpoch = 0;
        long samples = trainX.shape[0];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            using (var scope = NewDisposeScope())
            {
                Tensor order = randperm(samples, device: trainX.device);
                for (long start = 0; start < samples; start += options.BatchSize)
                {
                    Tensor rows = order.narrow(0, start, Math.Min(options.BatchSize, samples - start));
                    optimizer.zero_grad();
                    nn.functional.cross_entropy(probe.forward(trainX.index_select(0, rows)), trainY.index_select(0, rows)).backward();
                    optimizer.step();
                }
            }
            double validationAccuracy = Accuracy(probe, validationX, validationY);
            if (validationAccuracy > bestValidation)
                (bestValidation, bestTest, bestEpoch) = (validationAccuracy, Accuracy(probe, testX, testY), epoch + 1);
        }
        return new ProbeResult(name, bestValidation, bestTest, bestEpoch);
    }

    private static double Accuracy(Linear probe, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return probe.forward(x).argmax(1).eq(y).to(float64).mean().item<double>();
    }
}
