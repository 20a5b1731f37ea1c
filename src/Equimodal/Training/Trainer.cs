using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// The training loop, written once for every method: seeding, optimizer and schedule, per-epoch shuffling, the
/// method's hooks, validation every epoch, model selection on validation accuracy only, and one test evaluation
/// of the selected weights at the end.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingOptions _options;
    private readonly ModelOptions _modelOptions;
    private readonly ITrainingObserver? _observer;

    /// <summary>Creates a trainer; options are validated here.</summary>
    public Trainer(TrainingOptions options, ModelOptions modelOptions, ITrainingObserver? observer = null)
    {
        options.Validate();
        modelOptions.Validate();
        _options = options;
        _modelOptions = modelOptions;
        _observer = observer;
    }

    /// <summary>The model of the last <see cref="Fit"/>, holding the selected (best-validation) weights.</summary>
    public MultimodalClassifier? Model { get; private set; }

    /// <summary>Called after every epoch with the model and its record (run folders save weights here).</summary>
    public event Action<MultimodalClassifier, EpochRecord>? EpochCompleted;

    /// <summary>Trains <paramref name="method"/> on <paramref name="splits"/> and evaluates the selected weights.</summary>
    public TrainingResult Fit(TrainingMethod method, DatasetSplits splits)
    {
        DeviceSelector.ConfigureThreads(_options.Threads);
        Device device = DeviceSelector.Resolve(_options.Device);
        torch.manual_seed(_options.Seed);
        IReadOnlyList<int> modalityIndices = method.SelectModalities(splits.Modalities);
        var model = ModelFactory.Create(modalityIndices.Select(i => splits.Modalities[i]).ToArray(), splits.ClassNames.Count, _modelOptions);
        model.to(device);
        Model = model;
        optim.Optimizer optimizer = CreateOptimizer(model);
        optim.lr_scheduler.LRScheduler? schedule = CreateSchedule(optimizer);
        method.Setup(new MethodContext(model, optimizer, splits, modalityIndices, _options, device));

        var loader = new BatchLoader(splits.Train, _options.BatchSize, shuffle: true, _options.Seed);
        var history = new List<EpochRecord>();
        Dictionary<string, Tensor>? bestState = null;
        double bestAccuracy = double.NegativeInfinity;
        int bestEpoch = 0;
        long globalStep = 0;
        double trainSeconds = 0;
        int stepsPerEpoch = loader.BatchesPerEpoch;

        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            model.train();
            method.OnEpochStart(epoch);
            double learningRate = optimizer.ParamGroups.First().LearningRate;
            double lossSum = 0;
            long correct = 0, seen = 0;
            var clock = Stopwatch.StartNew();
            int step = 0;
            foreach (int[] indices in loader.BatchIndices(epoch))
            {
                using var scope = NewDisposeScope();
                Batch batch = splits.Train.GetBatch(indices, training: true).Select(modalityIndices).To(device);
                var info = new StepInfo(epoch, step, globalStep, stepsPerEpoch);
                optimizer.zero_grad();
                StepOutput output = method.ComputeLoss(batch, info);
                method.Backward(output, info);
                method.AdjustGradients(info);
                if (_options.GradientClip > 0) nn.utils.clip_grad_norm_(model.parameters(), _options.GradientClip);
                optimizer.step();
                method.AfterOptimizerStep(output, info);
                double loss = output.Loss.item<float>();
                lossSum += loss * indices.Length;
                correct += output.Logits.argmax(1).eq(batch.Labels).sum().item<long>();
                seen += indices.Length;
                _observer?.OnStep(epoch, _options.Epochs, step, stepsPerEpoch, loss);
                step++;
                globalStep++;
            }
            double epochSeconds = clock.Elapsed.TotalSeconds;
            trainSeconds += epochSeconds;
            schedule?.step();

            EvaluationResult validation = Evaluator.Evaluate(model, splits.Validation, modalityIndices, _options.BatchSize, device);
            method.OnEpochEnd(new EpochEnd(epoch, validation));
            var record = new EpochRecord
            {
                Epoch = epoch + 1,
                TrainLoss = lossSum / Math.Max(1, seen),
                TrainAccuracy = (double)correct / Math.Max(1, seen),
                LearningRate = learningRate,
                Validation = validation,
                TrainSeconds = epochSeconds,
                MethodMetrics = method.EpochMetrics(),
            };
            history.Add(record);
            if (validation.Accuracy > bestAccuracy)
            {
                bestAccuracy = validation.Accuracy;
                bestEpoch = epoch + 1;
                DisposeState(bestState);
                using (torch.no_grad()) bestState = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            }
            EpochCompleted?.Invoke(model, record);
            _observer?.OnEpochEnd(record, _options.Epochs);
        }

        model.load_state_dict(bestState!);
        DisposeState(bestState);
        EvaluationResult bestValidation = Evaluator.Evaluate(model, splits.Validation, modalityIndices, _options.BatchSize, device);
        EvaluationResult test = Evaluator.Evaluate(model, splits.Test, modalityIndices, _options.BatchSize, device);
        return new TrainingResult
        {
            Method = method.Name,
            Modalities = model.ModalityNames,
            BestEpoch = bestEpoch,
            Validation = bestValidation,
            Test = test,
            History = history,
            TrainSeconds = trainSeconds,
            SecondsPerStep = trainSeconds / Math.Max(1, globalStep),
            SecondsPerEpoch = trainSeconds / _options.Epochs,
        };
    }

    private optim.Optimizer CreateOptimizer(MultimodalClassifier model) => _options.Optimizer switch
    {
        "sgd" => optim.SGD(model.parameters(), _options.LearningRate, momentum: _options.Momentum, weight_decay: _options.WeightDecay),
        _ => optim.AdamW(model.parameters(), _options.LearningRate, weight_decay: _options.WeightDecay),
    };

    private optim.lr_scheduler.LRScheduler? CreateSchedule(optim.Optimizer optimizer) => _options.Schedule switch
    {
        "step" => optim.lr_scheduler.StepLR(optimizer, _options.StepSize, _options.Gamma),
        "cosine" => optim.lr_scheduler.CosineAnnealingLR(optimizer, _options.Epochs),
        _ => null,
    };

    private static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (Tensor t in state.Values) t.Dispose();
    }
}
