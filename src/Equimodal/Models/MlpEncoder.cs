using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Equimodal.Models;

/// <summary>Encodes a feature vector [batch, features] with Linear-ReLU layers.</summary>
public sealed class MlpEncoder : ModalityEncoder
{
    private readonly Sequential layers;

    /// <summary>Creates the encoder.</summary>
    /// <param name="inputSize">Features per sample.</param>
    /// <param name="hiddenSizes">Width of each hidden layer; the last one is the embedding size.</param>
    public MlpEncoder(long inputSize, IReadOnlyList<long> hiddenSizes) : base(nameof(MlpEncoder), hiddenSizes.Count == 0 ? inputSize : hiddenSizes[^1])
    {
        var modules = new List<Module<Tensor, Tensor>>();
        long previous = inputSize;
        foreach (long width in hiddenSizes)
        {
            modules.Add(Linear(previous, width));
            modules.Add(ReLU());
            previous = width;
        }
        layers = modules.Count == 0 ? Sequential(Identity()) : Sequential(modules);
        RegisterComponents();
    }

    /// <summary>The last Linear-ReLU layer's output, which is the embedding (nothing is pooled).</summary>
    public override Tensor Features(Tensor input)
    {
        if (input.dim() != 2) throw new ArgumentException($"A feature batch must be [batch, features], got [{string.Join(", ", input.shape)}].");
        return layers.forward(input);
    }
}
