using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;

namespace Equimodal.Training;

/// <summary>
/// What a method trains on a dataset, worked out once: the dataset inputs its model reads (in model order) and the
/// architecture it builds from the user's choice (e.g. MLA fixes a shared head), after the method's declared
/// requirements (modality count, fusion, task) are checked. The experiment computes it once and passes it down: the run folder
/// records it (config.json's modalities and model), the trainer builds the model from it and reads the data through
/// <see cref="Bind"/>. A run folder's plan is read back from its config.json (<c>RunConfig.Plan</c>).
/// </summary>
/// <param name="Modalities">The modalities the model reads, in model input order (the dataset's specifications).</param>
/// <param name="Model">The architecture the method trains.</param>
public sealed record RunPlan(IReadOnlyList<ModalitySpec> Modalities, ModelOptions Model)
{
    /// <summary>
    /// The plan of <paramref name="method"/> on data with <paramref name="modalities"/> and labels of <paramref name="task"/>,
    /// given the requested <paramref name="model"/>; a method not defined for the task is refused here.
    /// </summary>
    public static RunPlan Of(TrainingMethod method, IReadOnlyList<ModalitySpec> modalities, ModelOptions model, TaskKind task)
    {
        CheckTask(method, task);
        ModalitySpec[] read = method.SelectModalities(modalities).Select(i => modalities[i]).ToArray();
        ModelOptions built = method.ConfigureModel(model);
        CheckRequirements(method, read.Select(m => m.Name).ToArray(), built.Fusion);
        return new RunPlan(read, built);
    }

    /// <summary><paramref name="splits"/> as the planned model reads them: batches hold its modalities, in model order.</summary>
    public DatasetSplits Bind(DatasetSplits splits) => ModalityBinding.Bind(splits, Modalities.Select(m => m.Name).ToArray(), "The model");

    /// <summary>
    /// Throws a clear error when <paramref name="method"/> is not defined for <paramref name="modalities"/> or the fusion
    /// head <paramref name="fusion"/> (the one it will train, after <see cref="TrainingMethod.ConfigureModel"/>).
    /// </summary>
    public static void CheckRequirements(TrainingMethod method, IReadOnlyList<string> modalities, string fusion)
    {
        MethodAttribute? registration = method.Registration;
        if (registration is null) return;
        if (modalities.Count < registration.MinModalities || modalities.Count > registration.MaxModalities)
            throw new ArgumentException($"Method '{registration.Name}' is defined for {registration.Requirements.Split(';')[0]}; " +
                $"this model reads {modalities.Count} ({string.Join(", ", modalities)}).");
        if (registration.Fusions.Length > 0 && !registration.Fusions.Contains(fusion))
            throw new ArgumentException($"Method '{registration.Name}' needs a fusion head whose logits are the sum of the modalities' own ({string.Join(", ", registration.Fusions)}), not '{fusion}'.");
    }

    /// <summary>
    /// Throws a clear error, before anything is trained, when <paramref name="method"/> is not defined for
    /// <paramref name="task"/>, naming the methods that are. Unimodal models ("NAME-only") train every task.
    /// </summary>
    private static void CheckTask(TrainingMethod method, TaskKind task)
    {
        MethodAttribute? registration = method.Registration;
        if (registration is null || registration.Tasks.Contains(task)) return;
        string supporting = string.Join(", ", MethodRegistrations.All.Where(m => m.Tasks.Contains(task)).Select(m => m.Name).Append("NAME-only"));
        throw new ArgumentException($"Method '{registration.Name}' is defined for {registration.TaskNames}, not the {PredictionTask.NameOf(task)} task "
            + $"(docs/tasks.md says why). Methods that train {PredictionTask.NameOf(task)}: {supporting}.");
    }
}
