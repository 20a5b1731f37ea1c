using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// Everything needed to continue a run bit for bit: progress numbers, model weights (parameters and buffers), the best
/// weights so far, the state of the trainer's optimizer (moments, step counts, learning rates) and of the optimizers a
/// method registered with the step runner, torch's random generator state, the method's own tensors and, with
/// <see cref="TrainingOptions.EmaDecay"/>, the moving average of the weights. The
/// learning-rate schedule is not stored: it is a pure function of the finished epochs and is replayed. Owns its
/// tensors; dispose it after use.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    /// <summary>Creates a checkpoint from its parts (the tensors become owned by it).</summary>
    public Checkpoint(CheckpointProgress progress, Dictionary<string, Tensor> model, Dictionary<string, Tensor> bestModel,
        byte[] optimizer, Tensor randomState, Dictionary<string, Tensor> methodState, IReadOnlyDictionary<string, byte[]>? registeredOptimizers = null,
        Dictionary<string, Tensor>? averaged = null)
    {
        Averaged = averaged ?? new Dictionary<string, Tensor>();
        RegisteredOptimizers = registeredOptimizers ?? new Dictionary<string, byte[]>();
        Progress = progress;
        Model = model;
        BestModel = bestModel;
        Optimizer = optimizer;
        RandomState = randomState;
        MethodState = methodState;
    }

    /// <summary>Progress numbers.</summary>
    public CheckpointProgress Progress { get; }

    /// <summary>Current model state (parameters and buffers).</summary>
    public Dictionary<string, Tensor> Model { get; }

    /// <summary>Best-validation model state so far (empty before the first epoch ends).</summary>
    public Dictionary<string, Tensor> BestModel { get; }

    /// <summary>Optimizer state in TorchSharp's binary format.</summary>
    public byte[] Optimizer { get; }

    /// <summary>State of each optimizer registered with <see cref="StepRunner.Register"/>, by name, in TorchSharp's binary format.</summary>
    public IReadOnlyDictionary<string, byte[]> RegisteredOptimizers { get; }

    /// <summary>State of torch's default random generator.</summary>
    public Tensor RandomState { get; }

    /// <summary>The method's own tensors (see <see cref="TrainingMethod.SaveState"/>).</summary>
    public Dictionary<string, Tensor> MethodState { get; }

    /// <summary>The moving average of the weights (<see cref="WeightAverage"/>); empty when the run does not average.</summary>
    public Dictionary<string, Tensor> Averaged { get; }

    /// <summary>
    /// The saved state of the optimizer registered as <paramref name="name"/>. Checkpoints of format 1 kept it among the
    /// method's tensors, as bytes under the same name, where it is read from then.
    /// </summary>
    public byte[] RegisteredOptimizer(string name)
    {
        if (RegisteredOptimizers.TryGetValue(name, out byte[]? state)) return state;
        if (MethodState.TryGetValue(name, out Tensor? formerLayout) && formerLayout.dtype == ScalarType.Byte) return formerLayout.data<byte>().ToArray();
        throw new InvalidDataException($"The checkpoint holds no state of optimizer '{name}', which method '{Progress.Method}' steps: it was written with other method options. Restore config.json's method options, or start a new run.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in Model.Values.Concat(BestModel.Values).Concat(MethodState.Values).Concat(Averaged.Values)) t.Dispose();
        RandomState.Dispose();
    }
}
