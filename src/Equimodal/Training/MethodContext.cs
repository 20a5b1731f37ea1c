using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Models;
using Equimodal.Tasks;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>What a method can see when it is set up: the model it trains, its optimizer and the data.</summary>
/// <param name="Model">The model being trained.</param>
/// <param name="Optimizer">The trainer's optimizer over all parameters.</param>
/// <param name="Splits">
/// Train, validation and test data (a method may read only train and validation), bound to the model: batches hold the
/// inputs the model reads, in model order.
/// </param>
/// <param name="Options">Optimisation settings.</param>
/// <param name="Device">Compute device.</param>
/// <param name="ModelOptions">Architecture of <paramref name="Model"/>, for methods that build more models of the same kind (e.g. teachers).</param>
public sealed record MethodContext(
    MultimodalClassifier Model,
    optim.Optimizer Optimizer,
    DatasetSplits Splits,
    TrainingOptions Options,
    Device Device,
    ModelOptions? ModelOptions = null)
{
    private StepRunner? _steps;

    /// <summary>The task the model learns: its loss, attributed value and metrics (the splits' task).</summary>
    public PredictionTask Task => Splits.Task;

    /// <summary>Tells the user about a setting that makes the method do less than its name promises (the CLI prints it).</summary>
    public Action<string> Warn { get; init; } = _ => { };

    /// <summary>Reports progress of a long phase of the method's own, such as training teachers (the CLI prints it).</summary>
    public Action<string> Inform { get; init; } = _ => { };

    /// <summary>The processes training together (one by default); see <see cref="Mean"/> and <see cref="Sum"/> for statistics.</summary>
    public ICollective Collective { get; init; } = SingleProcess.Instance;

    /// <summary>
    /// The step runner a method uses for every optimizer step it takes itself, and registers its own optimizers with so
    /// that checkpoints hold their state (<see cref="StepRunner.Register"/>); by default one over <see cref="Collective"/>.
    /// </summary>
    public StepRunner Steps
    {
        get => _steps ??= new StepRunner(Options, Collective);
        init => _steps = value;
    }

    /// <summary>
    /// The place where a batch statistic becomes numbers: the elements of <paramref name="statistics"/> (e.g. per-modality
    /// batch means) averaged over the ranks, so every rank gets the statistic of the whole global batch (ranks hold equal
    /// batch sizes). With one process, the values themselves.
    /// </summary>
    public double[] Mean(Tensor statistics) => Collective.Mean(ToDoubles(statistics));

    /// <summary>Like <see cref="Mean"/> for statistics that are sums over the batch: summed over the ranks.</summary>
    public double[] Sum(Tensor statistics) => Collective.Sum(ToDoubles(statistics));

    private static double[] ToDoubles(Tensor statistics)
    {
        using var scope = NewDisposeScope();
        Tensor values = statistics.detach().flatten().cpu();
        return values.dtype == ScalarType.Float64 ? values.data<double>().ToArray() : values.to_type(ScalarType.Float32).data<float>().Select(v => (double)v).ToArray();
    }
}
