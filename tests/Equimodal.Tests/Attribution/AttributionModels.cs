using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

/// <summary>Tiny models and inputs for attribution tests (float64 so closed forms hold tightly).</summary>
internal static class AttributionModels
{
    /// <summary>Identity encoders (MLP without hidden layers) and the given fusion: the embeddings are the inputs.</summary>
    public static MultimodalClassifier Identity(long[] sizes, int classes, string fusion = "concat", int seed = 0)
    {
        torch.manual_seed(seed);
        var encoders = sizes.Select((d, m) => ($"m{m}", (ModalityEncoder)new MlpEncoder(d, Array.Empty<long>()))).ToArray();
        return ToFloat64(new MultimodalClassifier(encoders, FusionFactory.Create(fusion, sizes, classes, hiddenSize: 6)));
    }

    /// <summary>One ReLU hidden layer per encoder and the given fusion: nonlinear in inputs and parameters.</summary>
    public static MultimodalClassifier Mlp(long[] sizes, int classes, string fusion = "concat", int seed = 0)
    {
        torch.manual_seed(seed);
        var encoders = sizes.Select((d, m) => ($"m{m}", (ModalityEncoder)new MlpEncoder(d, new long[] { 5 }))).ToArray();
        return ToFloat64(new MultimodalClassifier(encoders, FusionFactory.Create(fusion, encoders.Select(e => e.Item2.EmbeddingSize).ToArray(), classes, hiddenSize: 6)));
    }

    /// <summary>
    /// Converts the model to float64 part by part: Module.to(dtype) on the whole model fails inside TorchSharp 0.107
    /// ("An item with the same key has already been added. Key: Item") because of the ModuleDict of encoders.
    /// </summary>
    private static MultimodalClassifier ToFloat64(MultimodalClassifier model)
    {
        for (int m = 0; m < model.ModalityNames.Count; m++) model.Encoder(m).to(ScalarType.Float64);
        model.Fusion.to(ScalarType.Float64);
        return model;
    }

    /// <summary>Random float64 inputs [batch, d] per modality.</summary>
    public static Tensor[] Inputs(long batch, long[] sizes, int seed = 1)
    {
        torch.manual_seed(seed);
        return sizes.Select(d => randn(batch, d, ScalarType.Float64)).ToArray();
    }

    /// <summary>The logits the model gives (no graph, evaluation mode).</summary>
    public static Tensor Logits(MultimodalClassifier model, IReadOnlyList<Tensor> inputs)
    {
        using var noGrad = no_grad();
        model.eval();
        return model.Forward(inputs).Logits;
    }

    /// <summary>Largest absolute difference between two tensors.</summary>
    public static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().to_type(ScalarType.Float64).item<double>();
}
