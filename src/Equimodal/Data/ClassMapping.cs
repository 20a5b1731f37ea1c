using static TorchSharp.torch;

namespace Equimodal.Data;

/// <summary>
/// Puts a dataset's labels into a trained model's class order by name, so a dataset whose classes are listed in
/// another order, or that holds only some of the model's classes, is evaluated correctly; a class the model never
/// learned is an error naming it.
/// </summary>
public static class ClassMapping
{
    /// <summary>
    /// <paramref name="splits"/> with labels indexing <paramref name="modelClasses"/>; unchanged when the class lists
    /// are equal. <paramref name="model"/> names the model in errors.
    /// </summary>
    public static DatasetSplits ToModelClasses(DatasetSplits splits, IReadOnlyList<string> modelClasses, string model)
    {
        IReadOnlyList<string> data = splits.ClassNames;
        if (data.SequenceEqual(modelClasses, StringComparer.Ordinal)) return splits;
        if (splits.Task.Kind != Tasks.TaskKind.Classification)
        {
            throw new ArgumentException($"The dataset's {Tasks.PredictionTask.NameOf(splits.Task.Kind)} outputs are {string.Join(", ", data)}; {model} was trained on {string.Join(", ", modelClasses)}, in that order "
                + "(list the labels in classes.txt, or the target columns, as in training).");
        }
        string[] unknown = data.Where(c => !modelClasses.Contains(c, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"The dataset has class(es) {string.Join(", ", unknown)} that {model} was not trained on; it knows {string.Join(", ", modelClasses)}.");
        }
        int[] map = data.Select(c => modelClasses.ToList().IndexOf(c)).ToArray();
        return new DatasetSplits(new Relabeled(splits.Train, modelClasses, map), new Relabeled(splits.Validation, modelClasses, map), new Relabeled(splits.Test, modelClasses, map))
        {
            Report = splits.Report,
        };
    }

    private sealed class Relabeled(IMultimodalDataset source, IReadOnlyList<string> classNames, int[] map) : IMultimodalDataset
    {
        public IReadOnlyList<ModalitySpec> Modalities => source.Modalities;

        public IReadOnlyList<string> ClassNames => classNames;

        public int Count => source.Count;

        public int LabelOf(int index) => map[source.LabelOf(index)];

        public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation)
        {
            Batch batch = source.GetBatch(indices, augmentation);
            Tensor labels = tensor(indices.Select(i => (long)LabelOf(i)).ToArray()).to_type(batch.Labels.dtype);
            batch.Labels.Dispose();
            return new Batch(batch.Inputs, labels);
        }
    }
}
