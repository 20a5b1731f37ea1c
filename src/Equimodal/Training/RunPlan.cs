using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tasks;

namespace Equimodal.Training;

/// <summary>
/// What a method trains on a dataset, worked out once: the dataset inputs its model reads (in model order) and the
/// architecture it builds from the user's choice (e.g. MLA fixes a shared head), after the method's declared
/// requirements (modality count, fusion, task) are checked. The trainer builds the model from it,
/// and the run folder records it (config.json's modalities and model).
/// </summary>
/// <param name="ModalityIndices">Index in the dataset of each modality the model reads, in model input order.</param>
/// <param name="Modalities">Those modalities.</param>
/// <param name="Model">The architecture the method trains.</param>
public sealed record RunPlan(IReadOnlyList<int> ModalityIndices, IReadOnlyList<ModalitySpec> Modalities, ModelOptions Model)
{
    /// <summary>
    /// The plan of <paramref name="method"/> on data with <paramref name="modalities"/> and labels of <paramref name="task"/>,
    /// given the requested <paramref name="model"/>; a method not defined for the task is refused here.
    /// </summary>
    public static RunPlan Of(TrainingMethod method, IReadOnlyList<ModalitySpec> modalities, ModelOptions model, TaskKind task)
    {
        MethodRegistry.CheckTask(method, task);
        int[] indices = method.SelectModalities(modalities).ToArray();
        ModelOptions built = method.ConfigureModel(model);
        MethodRegistry.CheckRequirements(method, indices.Select(i => modalities[i].Name).ToArray(), built.Fusion);
        return new RunPlan(indices, indices.Select(i => modalities[i]).ToArray(), built);
    }
}
