using Equimodal.Tasks;
using Equimodal.Training;

namespace Equimodal.Methods;

/// <summary>Plain joint training: every modality, the chosen fusion, the task's loss (cross-entropy for classification) on the fused outputs.</summary>
[Method("joint", "All modalities, one cross-entropy on the fused logits (the usual baseline).", Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
public sealed class JointMethod : TrainingMethod
{
    /// <summary>Creates the method; it has no options.</summary>
    public JointMethod(Training.MethodSettings settings)
    {
    }

    /// <summary>Exact: one cross-entropy, averaged gradients.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;
}
