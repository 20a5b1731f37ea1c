using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// One linear classifier shared by every modality (the head of MLA, Zhang et al., CVPR 2024). When the embedding widths
/// differ, each embedding is first projected to a common width; otherwise the head reads the embeddings directly.
/// A modality's own logits are the shared head applied to its embedding alone; the fused logits weight them per sample by
/// prediction confidence: w_m = exp(-H_m) / sum_j exp(-H_j), H_m being the entropy of softmax of modality m's logits
/// (the published exp(max_j H_j - H_m) normalised, which is the same).
/// </summary>
public sealed class SharedHeadFusion : FusionHead
{
    private readonly ModuleList<Linear> projections;
    private readonly Linear classifier;

    /// <summary>Creates the head; <paramref name="hiddenSize"/> is the common width used only when the embedding widths differ.</summary>
    public SharedHeadFusion(IReadOnlyList<long> embeddingSizes, int classes, long hiddenSize) : base(nameof(SharedHeadFusion), embeddingSizes, classes)
    {
        bool equalWidths = embeddingSizes.Distinct().Count() == 1;
        InputSize = equalWidths ? embeddingSizes[0] : hiddenSize;
        projections = new ModuleList<Linear>(equalWidths ? Array.Empty<Linear>() : embeddingSizes.Select(d => nn.Linear(d, hiddenSize)).ToArray());
        classifier = nn.Linear(InputSize, classes);
        RegisterComponents();
    }

    /// <summary>Width of the shared classifier's input.</summary>
    public long InputSize { get; }

    /// <summary>The shared classifier (one Linear for all modalities).</summary>
    public Linear Classifier => classifier;

    /// <summary>Modality <paramref name="modality"/>'s embedding as the shared classifier reads it (projected when widths differ).</summary>
    public Tensor ClassifierInput(Tensor embedding, int modality) => projections.Count == 0 ? embedding : projections[modality].forward(embedding);

    /// <summary>Per-sample fusion weights [batch, modalities] from each modality's logits: softmax over modalities of minus the prediction entropy.</summary>
    public static Tensor EntropyWeights(IReadOnlyList<Tensor> modalityLogits)
    {
        using var scope = NewDisposeScope();
        Tensor entropies = stack(modalityLogits.Select(PredictionEntropy).ToArray(), dim: 1);
        return (-entropies).softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Entropy (nats) of softmax(<paramref name="logits"/>) per row.</summary>
    public static Tensor PredictionEntropy(Tensor logits)
    {
        using var scope = NewDisposeScope();
        Tensor logProbabilities = logits.log_softmax(1);
        return (-(logProbabilities.exp() * logProbabilities).sum(dim: 1)).MoveToOuterDisposeScope();
    }

    /// <summary>Entropy-weighted sum of the modalities' shared-head logits.</summary>
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        using var scope = NewDisposeScope();
        Tensor[] logits = ModalityLogits(embeddings);
        Tensor weights = EntropyWeights(logits);
        return (stack(logits, dim: 1) * weights.unsqueeze(2)).sum(dim: 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor[] ModalityLogits(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        return embeddings.Select((e, m) => classifier.forward(ClassifierInput(e, m))).ToArray();
    }
}
