namespace Equimodal.Methods;

/// <summary>Plain joint training: every modality, the chosen fusion, cross-entropy on the fused logits.</summary>
[Method("joint", "All modalities, one cross-entropy on the fused logits (the usual baseline).")]
public sealed class JointMethod : TrainingMethod
{
    /// <summary>Creates the method; it has no options.</summary>
    public JointMethod(Training.MethodSettings settings) => settings.RejectUnknown("joint");

    /// <inheritdoc />
    public override string Name => "joint";

    /// <summary>Exact: one cross-entropy, averaged gradients.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;
}
