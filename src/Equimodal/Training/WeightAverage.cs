using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// An exponential moving average of a model's weights and floating-point buffers (BatchNorm's running statistics),
/// updated after every optimizer step (<see cref="TrainingOptions.EmaDecay"/>): after update k the average is
/// decay_k * average + (1 - decay_k) * weights, with decay_k = min(decay, (1 + k) / (10 + k)), so the first updates
/// follow the weights closely instead of averaging in the random initialisation. Integer buffers (BatchNorm's batch count)
/// and frozen parameters (an encoder with <see cref="EncoderTransfer.Freeze"/>) are copied: the average of a value that
/// never changes is that value, while decay * w + (1 - decay) * w can round away from w. The average is what a run
/// validates, keeps and tests; training continues from the weights themselves. Owns its tensors.
/// </summary>
public sealed class WeightAverage : IDisposable
{
    private readonly HashSet<string> _frozen;

    /// <summary>
    /// Starts the average at <paramref name="model"/>'s current state, or at <paramref name="restored"/> (a checkpoint's);
    /// the parameters that do not require a gradient now are the frozen ones.
    /// </summary>
    public WeightAverage(MultimodalClassifier model, double decay, IReadOnlyDictionary<string, Tensor>? restored = null)
    {
        if (!(decay > 0 && decay < 1)) throw new ArgumentException($"The average's decay must be in (0, 1), got {decay}.");
        Decay = decay;
        _frozen = model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            State = model.state_dict().ToDictionary(kv => kv.Key,
                kv => (restored is null ? kv.Value : restored[kv.Key]).to(kv.Value.device).clone().DetachFromDisposeScope());
        }
    }

    /// <summary>The decay the average approaches once warmed up (<see cref="TrainingOptions.EmaDecay"/>).</summary>
    public double Decay { get; }

    /// <summary>The averaged state, by the model's state names.</summary>
    public Dictionary<string, Tensor> State { get; }

    /// <summary>The decay of update <paramref name="update"/> (1 for the first).</summary>
    public double DecayAt(long update) => Math.Min(Decay, (1.0 + update) / (10.0 + update));

    /// <summary>Moves the average toward <paramref name="model"/>'s current state: update number <paramref name="update"/>.</summary>
    public void Update(MultimodalClassifier model, long update)
    {
        double decay = DecayAt(update);
        using Scalar kept = decay.ToScalar(), added = (1.0 - decay).ToScalar();
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach ((string name, Tensor value) in model.state_dict())
            {
                Tensor average = State[name];
                if (average.is_floating_point() && !_frozen.Contains(name)) average.mul_(kept).add_(value, added);
                else average.copy_(value);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="measure"/> with the averaged state loaded into <paramref name="model"/>, then puts the model's
    /// own state back, bit for bit.
    /// </summary>
    public T WithAverage<T>(MultimodalClassifier model, Func<T> measure)
    {
        Dictionary<string, Tensor> own = Trainer.Clone(model.state_dict());
        try
        {
            using (no_grad()) model.load_state_dict(State);
            return measure();
        }
        finally
        {
            using (no_grad()) model.load_state_dict(own);
            foreach (Tensor t in own.Values) t.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in State.Values) t.Dispose();
    }
}
