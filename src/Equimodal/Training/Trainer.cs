using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Runtime;
using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// The training loop, written once for every method: seeding, optimizer and schedule, per-epoch shuffling, the
/// method's hooks, validation every epoch, model selection on the task's main validation metric only (accuracy for
/// classification), and one test evaluation
/// of the selected weights at the end. Data-parallel over a <see cref="ICollective"/> of several processes: rank 0's
/// initial weights are broadcast, every rank trains on its shard of each epoch, the step runner averages gradients,
/// the epoch's loss and accuracy sums are summed over the ranks every step, BatchNorm running statistics are taken from
/// rank 0 at every epoch end, every rank evaluates the same model on the whole validation and test splits, and only
/// rank 0 writes checkpoints.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingOptions _options;
    private readonly ModelOptions _modelOptions;
    private readonly ITrainingObserver? _observer;
    private readonly ICollective _collective;

    /// <summary>Creates a trainer over <paramref name="collective"/> (default: one process); options are validated here.</summary>
    public Trainer(TrainingOptions options, ModelOptions modelOptions, ITrainingObserver? observer = null, ICollective? collective = null)
    {
        options.Validate();
        modelOptions.Validate();
        _options = options;
        _modelOptions = modelOptions;
        _observer = observer;
        _collective = collective ?? SingleProcess.Instance;
    }

    /// <summary>The model of the last <c>Fit</c>, holding the selected (best-validation) weights.</summary>
    public MultimodalClassifier? Model { get; private set; }

    /// <summary>
    /// Trains <paramref name="method"/> on <paramref name="splits"/> as its plan on them (<see cref="RunPlan.Of"/>) says, and
    /// evaluates the selected weights; with <paramref name="checkpoints"/> and <paramref name="resume"/> as the other overload.
    /// </summary>
    public TrainingResult Fit(TrainingMethod method, DatasetSplits splits, CheckpointStore? checkpoints = null, bool resume = false) =>
        Fit(method, RunPlan.Of(method, splits.Modalities, _modelOptions, splits.Task.Kind), splits, checkpoints, resume);

    /// <summary>
    /// Trains the model of <paramref name="plan"/> (computed once by the caller, e.g. the experiment that recorded it) on
    /// <paramref name="splits"/>, which it binds to the plan once, with checkpoints in <paramref name="checkpoints"/> (at every epoch end and every
    /// <see cref="TrainingOptions.CheckpointEverySteps"/> steps). With <paramref name="resume"/>, continues from the newest
    /// readable checkpoint; on CPU the result equals that of an uninterrupted run bit for bit. With
    /// <paramref name="pauseAfterEpoch"/>, stops after that epoch of the schedule (which keeps its full length, so a later
    /// resume continues it exactly) and returns without evaluating on test: the result's <c>Test</c> is empty, its
    /// <c>Validation</c> is that of the best epoch so far, and <see cref="Model"/> holds the last epoch's weights.
    /// </summary>
    public TrainingResult Fit(TrainingMethod method, RunPlan plan, DatasetSplits splits, CheckpointStore? checkpoints, bool resume, int? pauseAfterEpoch = null)
    {
        if (pauseAfterEpoch is <= 0) throw new ArgumentException($"An epoch to pause after must be positive, got {pauseAfterEpoch}.");
        if (_collective.World > 1 && !method.DataParallel.Exact)
            throw new NotSupportedException($"{method.DataParallel.Reason} Train it in one process (without mpirun).");
        // The weights are selected on validation accuracy, which an empty split cannot give.
        if (splits.Validation.Count == 0)
            throw new ArgumentException("The validation split is empty: training selects its weights on the validation split (its accuracy, or the task's main metric). Use more samples or a larger --validation-fraction.");
        DeviceSelector.ConfigureThreads(_options.Threads);
        Device device = DeviceSelector.Resolve(_options.Device);
        torch.manual_seed(_options.Seed);
        DatasetSplits data = plan.Bind(splits);
        var model = ModelFactory.Create(plan.Modalities, splits.Task.OutputSize, plan.Model);
        Checkpoint? restored = resume ? checkpoints?.LoadLatest(message => _observer?.OnWarning(message)) : null;
        if (restored is null) InitialWeights.Apply(model, _options);
        model.to(device);
        Model = model;
        optim.Optimizer optimizer = OptimizerFactory.Create(model, _options);
        optim.lr_scheduler.LRScheduler? schedule = CreateSchedule(optimizer);
        var steps = new StepRunner(_options, _collective);
        method.Setup(new MethodContext(model, optimizer, data, _options, device, _modelOptions)
        {
            Warn = message => _observer?.OnWarning(message),
            Inform = message => _observer?.OnProgress(message),
            Collective = _collective,
            Steps = steps,
        });

        IMultimodalDataset trainingSet = method.TrainingSet(data);
        // A checkpoint of another number of ranks continues with the same samples per step, or is refused.
        int batchSize = restored is null ? _options.BatchSize : WorldSizeOnResume.RankBatchSize(restored.Progress, _collective.World, _options.BatchSize, trainingSet.Count);
        if (restored is not null && restored.Progress.World != _collective.World && _collective.Rank == 0)
            _observer?.OnWarning($"Resuming on {_collective.World} rank(s) a checkpoint of {restored.Progress.World}: batch {batchSize} per rank keeps {batchSize * _collective.World} samples per step.");
        var loader = new BatchLoader(trainingSet, batchSize, shuffle: true, _options.Seed, _collective.Rank, _collective.World);
        // Batches are read on a worker thread while the previous step trains; they equal the plain loader's bit for bit.
        var prefetching = new PrefetchingLoader(loader);
        var progress = new CheckpointProgress { Method = method.Name, World = _collective.World, BatchSize = batchSize };
        var history = new List<EpochRecord>();
        Dictionary<string, Tensor>? bestState = null;
        WeightAverage? average = null;
        if (restored is not null)
        {
            using (restored)
            {
                progress = Restore(restored, model, optimizer, steps, schedule, method, device) with { World = _collective.World, BatchSize = batchSize };
                bestState = restored.BestModel.Count == 0 ? null : Clone(restored.BestModel);
                average = RestoreAverage(restored, model);
            }
            history.AddRange(progress.History);
            _observer?.OnResumed(history);
        }
        // Every rank starts from rank 0's weights (fresh or restored), whatever its own initialisation or files gave it.
        _collective.Broadcast(model.state_dict().Values);
        if (_options.EmaDecay > 0 && average is null) average = new WeightAverage(model, _options.EmaDecay);
        int stepsPerEpoch = loader.BatchesPerEpoch;
        int lastEpoch = Math.Min(_options.Epochs, pauseAfterEpoch ?? _options.Epochs);

        for (int epoch = progress.Epoch; epoch < lastEpoch; epoch++)
        {
            model.train();
            if (progress.StepInEpoch == 0)
            {
                method.OnEpochStart(epoch);
                progress = progress with { Epoch = epoch, EpochLearningRate = optimizer.ParamGroups.First().LearningRate, EpochLossSum = 0, EpochCorrect = 0, EpochSeen = 0, EpochSeconds = 0 };
            }
            var clock = Stopwatch.StartNew();
            int step = progress.StepInEpoch;
            foreach (Batch loaded in prefetching.Batches(epoch, training: true, skip: progress.StepInEpoch))
            {
                var info = new StepInfo(epoch, step, progress.GlobalStep, stepsPerEpoch);
                long size = loaded.Size;
                (double loss, long correct) = TrainStep(method, splits.Task, steps, optimizer, model, device, loaded, info);
                step++;
                // Summed over the ranks every step, so the progress (and a checkpoint of it) is the same on every rank.
                double[] sums = _collective.Sum(new[] { loss * size, correct, size });
                progress = progress with
                {
                    StepInEpoch = step, GlobalStep = progress.GlobalStep + 1, EpochLossSum = progress.EpochLossSum + sums[0],
                    EpochCorrect = progress.EpochCorrect + (long)sums[1], EpochSeen = progress.EpochSeen + (long)sums[2],
                };
                average?.Update(model, progress.GlobalStep);
                _observer?.OnStep(epoch, _options.Epochs, step - 1, stepsPerEpoch, loss);
                bool stepCheckpoint = _options.CheckpointEverySteps > 0 && progress.GlobalStep % _options.CheckpointEverySteps == 0 && step < stepsPerEpoch;
                if (checkpoints is not null && stepCheckpoint && _collective.Rank == 0)
                    Save(checkpoints, progress with { EpochSeconds = progress.EpochSeconds + clock.Elapsed.TotalSeconds, History = history.ToArray() }, model, bestState, average, optimizer, steps, method, isBest: false);
                FaultInjection.AfterStep(progress.GlobalStep);
            }
            double epochSeconds = progress.EpochSeconds + clock.Elapsed.TotalSeconds;
            schedule?.step();
            // BatchNorm's running statistics come from each rank's own batches: rank 0's are kept, so every rank evaluates one model.
            _collective.Broadcast(model.buffers());
            if (average is not null) _collective.Broadcast(average.State.Values);

            // With averaging, the average is what is validated and kept; training goes on from the weights themselves.
            EvaluationResult Validate() => Evaluator.Evaluate(model, data.Validation, _options.BatchSize, device, task: splits.Task);
            EvaluationResult validation = average is null ? Validate() : average.WithAverage(model, Validate);
            method.OnEpochEnd(new EpochEnd(epoch, validation));
            IReadOnlyDictionary<string, double> methodMetrics = method.EpochMetrics();
            if (_options.ModalityUse)
            {
                IReadOnlyDictionary<string, double> Measure() => WithModalityUse(methodMetrics, model, data.Validation, device);
                methodMetrics = average is null ? Measure() : average.WithAverage(model, Measure);
            }
            var record = new EpochRecord
            {
                Epoch = epoch + 1,
                TrainLoss = progress.EpochLossSum / Math.Max(1, progress.EpochSeen),
                TrainAccuracy = splits.Task.HasTrainingAccuracy ? (double)progress.EpochCorrect / Math.Max(1, progress.EpochSeen) : double.NaN,
                LearningRate = progress.EpochLearningRate,
                Validation = validation,
                TrainSeconds = epochSeconds,
                MethodMetrics = methodMetrics,
            };
            history.Add(record);
            // An undefined score (NaN) still gives the first epoch's weights.
            double score = KeptEpoch.Score(_options.KeepEpoch, validation);
            bool improved = score > progress.BestScore || bestState is null;
            if (improved)
            {
                progress = progress with { BestScore = score, BestEpoch = epoch + 1 };
                DisposeState(bestState);
                bestState = Clone(average?.State ?? model.state_dict());
            }
            progress = progress with { Epoch = epoch + 1, StepInEpoch = 0, TrainSeconds = progress.TrainSeconds + epochSeconds, History = history.ToArray() };
            if (checkpoints is not null && _collective.Rank == 0) Save(checkpoints, progress, model, bestState, average, optimizer, steps, method, improved);
            _observer?.OnEpochEnd(record, _options.Epochs);
        }

        average?.Dispose();
        if (pauseAfterEpoch is not null) return Paused(method, model, progress, history, bestState);
        model.load_state_dict(bestState!);
        DisposeState(bestState);
        EvaluationResult bestValidation = Evaluator.Evaluate(model, data.Validation, _options.BatchSize, device, task: splits.Task);
        EvaluationResult test = Evaluator.Evaluate(model, data.Test, _options.BatchSize, device, labelThreshold: Threshold(bestValidation), task: splits.Task);
        return new TrainingResult
        {
            Method = method.Name,
            Modalities = model.ModalityNames,
            BestEpoch = progress.BestEpoch,
            Validation = bestValidation,
            Test = test,
            History = history,
            TrainSeconds = progress.TrainSeconds,
            SecondsPerStep = progress.TrainSeconds / Math.Max(1, progress.GlobalStep),
            SecondsPerEpoch = progress.TrainSeconds / _options.Epochs,
        };
    }

    /// <summary>The multi-label threshold validation chose, which the test split is scored with (null for the other tasks).</summary>
    private static double? Threshold(EvaluationResult validation) => double.IsNaN(validation.LabelThreshold) ? null : validation.LabelThreshold;

    private TrainingResult Paused(TrainingMethod method, MultimodalClassifier model, CheckpointProgress progress, List<EpochRecord> history, Dictionary<string, Tensor>? bestState)
    {
        DisposeState(bestState);
        return new TrainingResult
        {
            Method = method.Name,
            Modalities = model.ModalityNames,
            BestEpoch = progress.BestEpoch,
            Validation = history[progress.BestEpoch - 1].Validation,
            History = history,
            TrainSeconds = progress.TrainSeconds,
            SecondsPerStep = progress.TrainSeconds / Math.Max(1, progress.GlobalStep),
            SecondsPerEpoch = progress.TrainSeconds / Math.Max(1, history.Count),
        };
    }

    /// <summary>One optimizer step on <paramref name="loaded"/>, which it disposes (the loader's worker created it outside any dispose scope).</summary>
    private static (double Loss, long Correct) TrainStep(TrainingMethod method, PredictionTask task, StepRunner steps, optim.Optimizer optimizer, MultimodalClassifier model,
        Device device, Batch loaded, StepInfo info)
    {
        using var scope = NewDisposeScope();
        using Batch owned = loaded;
        Batch batch = owned.To(device);
        StepResult step = steps.Step(method, optimizer, model.parameters(), info, () => method.ComputeLoss(batch, info),
            output => method.Backward(output, info), () => method.AdjustGradients(info));
        method.AfterOptimizerStep(step.Output, info);
        return (step.Loss, task.Correct(step.Output.Logits, batch.Labels));
    }

    // The modality-use diagnostic of TrainingOptions.ModalityUse, next to the method's own metrics.
    private IReadOnlyDictionary<string, double> WithModalityUse(IReadOnlyDictionary<string, double> methodMetrics, MultimodalClassifier model,
        IMultimodalDataset validation, Device device)
    {
        var metrics = new Dictionary<string, double>(methodMetrics);
        foreach (var (name, value) in ModalityUse.Measure(model, validation, _options.BatchSize, device)) metrics[$"{ModalityUse.MetricPrefix}{name}"] = value;
        return metrics;
    }

    private static void Save(CheckpointStore store, CheckpointProgress progress, MultimodalClassifier model, Dictionary<string, Tensor>? bestState,
        WeightAverage? average, optim.Optimizer optimizer, StepRunner steps, TrainingMethod method, bool isBest)
    {
        // Tensors a method creates for its state (e.g. tensor(targets)) are freed with this scope after writing;
        // live tensors it hands over (e.g. a teacher's weights) were created before it and are left alone.
        using var scope = NewDisposeScope();
        var methodState = new Dictionary<string, Tensor>();
        method.SaveState(methodState);
        // The checkpoint borrows the live tensors for writing; only the generator state is created here. The decay is
        // recorded beside the averaged weights it produced.
        var checkpoint = new Checkpoint(progress with { EmaDecay = average?.Decay ?? 0 }, new Dictionary<string, Tensor>(model.state_dict()), bestState ?? new(), OptimizerState.Save(optimizer),
            torch.get_rng_state(), methodState, steps.Optimizers.ToDictionary(kv => kv.Key, kv => OptimizerState.Save(kv.Value)),
            average is null ? null : new Dictionary<string, Tensor>(average.State));
        try
        {
            store.Save(checkpoint, isBest);
        }
        finally
        {
            checkpoint.RandomState.Dispose();
        }
    }

    private static CheckpointProgress Restore(Checkpoint checkpoint, MultimodalClassifier model, optim.Optimizer optimizer, StepRunner steps,
        optim.lr_scheduler.LRScheduler? schedule, TrainingMethod method, Device device)
    {
        CheckpointProgress progress = checkpoint.Progress;
        if (progress.Method != method.Name)
            throw new InvalidOperationException($"The checkpoint was written by method '{progress.Method}', not '{method.Name}'.");
        CheckShapes(checkpoint.Model, model);
        using (torch.no_grad()) model.load_state_dict(checkpoint.Model);
        model.to(device);
        // The schedule is a function of the finished epochs: replaying it sets the same rates; the optimizer state then
        // restores moments, step counts and the rates themselves.
        for (int e = 0; e < progress.Epoch; e++) schedule?.step();
        OptimizerState.Load(optimizer, checkpoint.Optimizer);
        foreach ((string name, optim.Optimizer registered) in steps.Optimizers) OptimizerState.Load(registered, checkpoint.RegisteredOptimizer(name));
        method.LoadState(checkpoint.MethodState);
        torch.set_rng_state(checkpoint.RandomState);
        return progress;
    }

    // The average continues from the checkpoint's. Averaging cannot be switched on or off or change its decay midway:
    // switched on, the average would start from the resumed weights; switched off, the run would drop the average it
    // kept; with another decay, it would weigh the two halves differently. Each evaluates other weights than an
    // uninterrupted run of either configuration.
    private WeightAverage? RestoreAverage(Checkpoint checkpoint, MultimodalClassifier model)
    {
        bool saved = checkpoint.Averaged.Count > 0, wanted = _options.EmaDecay > 0;
        if (saved != wanted)
        {
            string found = saved ? "holds averaged weights, but the run does not average them (--ema 0): it was written with averaging"
                : "holds no averaged weights, but the run averages them (--ema): it was written without averaging";
            throw new InvalidDataException($"The checkpoint {found}. {RestoreOrRestart}");
        }
        double writtenDecay = checkpoint.Progress.EmaDecay;
        if (saved && writtenDecay > 0 && writtenDecay != _options.EmaDecay)
            throw new InvalidDataException($"The checkpoint's weights were averaged with decay {writtenDecay} (--ema), not {_options.EmaDecay}. {RestoreOrRestart}");
        return wanted ? new WeightAverage(model, _options.EmaDecay, checkpoint.Averaged) : null;
    }

    private const string RestoreOrRestart = "Restore config.json's training settings, or start a new run.";

    // libtorch reports a size mismatch with pages of C++ frames; name the parameter and the likely cause instead.
    private static void CheckShapes(Dictionary<string, Tensor> saved, MultimodalClassifier model)
    {
        foreach ((string name, Tensor tensor) in model.state_dict())
        {
            string expected = $"[{string.Join(", ", tensor.shape)}]";
            string found = saved.TryGetValue(name, out Tensor? stored) ? $"[{string.Join(", ", stored.shape)}]" : "absent";
            if (found != expected)
            {
                throw new InvalidDataException($"The checkpoint does not fit the model the run's configuration describes: parameter '{name}' is {found} in the checkpoint "
                    + $"and {expected} in the model. config.json's model settings were changed after training started: restore them, or start a new run.");
            }
        }
    }

    /// <summary>A copy of <paramref name="state"/> that outlives any dispose scope (the caller disposes it).</summary>
    internal static Dictionary<string, Tensor> Clone(IDictionary<string, Tensor> state)
    {
        using (torch.no_grad()) return state.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

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
