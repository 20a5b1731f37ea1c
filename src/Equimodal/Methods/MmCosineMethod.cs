using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Methods;

/// <summary>
/// MMCosine, "MMCosine: Multi-Modal Cosine Loss Towards Balanced Audio-Visual Fine-Grained Learning" (Xu, Wei, Hu et al.,
/// ICASSP 2023): the model trains the <see cref="CosineFusion"/> head, whose per-modality logits are
/// s * cos(h_m, w_m,c) without bias, summed; cross-entropy on the sum, and the same cosine logits at test time.
/// Default s = 15 as published (BalanceMM's configs/trainer_config/mmcosine_config.yaml agrees).
/// </summary>
[Method("mmcosine", "MMCosine (ICASSP 2023): per-modality cosine logits s * cos(h_m, w_c), no bias, summed; cross-entropy on the sum.", Fusion = "cosine")]
public sealed class MmCosineMethod : TrainingMethod
{
    /// <summary>Creates the method; option scale (default 15) is s.</summary>
    public MmCosineMethod(MethodSettings settings) =>
        Scale = settings.Number("scale", CosineFusion.DefaultScale, 1e-3, 1e4, "scale s of the cosine logits");

    /// <summary>Scale s of the cosine logits.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        var head = context.Model.Fusion as CosineFusion
            ?? throw new InvalidOperationException($"mmcosine needs the cosine fusion head, the model has {context.Model.Fusion.GetType().Name}.");
        head.Scale = Scale;
    }
}
