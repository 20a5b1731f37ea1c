using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// MMCosine's head (Xu et al., ICASSP 2023): modality m's logits are s * cos(h_m, w_m,c), the L2-normalised embedding
/// against each class's L2-normalised weight row, without a bias; the fused logits are their sum. Normalising both sides
/// takes the norms of features and weights, through which one modality usually dominates, out of the decision.
/// The scale s is a buffer, so a saved model predicts with the scale it was trained with.
/// </summary>
public sealed class CosineFusion : FusionHead
{
    /// <summary>The published scale s.</summary>
    public const double DefaultScale = 15;

    private const string ScaleBuffer = "scale";
    private readonly ModuleList<Linear> fc;

    /// <summary>Creates the head with scale <see cref="DefaultScale"/>.</summary>
    public CosineFusion(IReadOnlyList<long> embeddingSizes, int classes) : base(nameof(CosineFusion), embeddingSizes, classes)
    {
        fc = new ModuleList<Linear>(embeddingSizes.Select(d => nn.Linear(d, classes, hasBias: false)).ToArray());
        register_buffer(ScaleBuffer, tensor((float)DefaultScale));
        RegisterComponents();
    }

    /// <summary>The scale s of the cosine logits.</summary>
    public double Scale
    {
        get => get_buffer(ScaleBuffer)!.item<float>();
        set
        {
            using var noGrad = no_grad();
            using Scalar scale = value.ToScalar();
            get_buffer(ScaleBuffer)!.fill_(scale);
        }
    }

    /// <summary>Modality <paramref name="index"/>'s class weights [classes, d_m].</summary>
    public Tensor Weight(int index) => fc[index].weight!;

    /// <inheritdoc />
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        using var scope = NewDisposeScope();
        return stack(ModalityLogits(embeddings)).sum(dim: 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor[] ModalityLogits(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        Tensor scale = get_buffer(ScaleBuffer)!;
        return embeddings.Select((e, m) =>
        {
            using var scope = NewDisposeScope();
            Tensor cosine = nn.functional.linear(nn.functional.normalize(e, dim: 1), nn.functional.normalize(fc[m].weight!, dim: 1));
            return (cosine * scale).MoveToOuterDisposeScope();
        }).ToArray();
    }
}
