namespace Equimodal.Data;

/// <summary>
/// Where named modalities sit in a list of modalities (a dataset's inputs, a model's encoders): the one by-name lookup,
/// with one error that says who needed which modality and what there is instead. <see cref="Bind(DatasetSplits, IReadOnlyList{string}, string)"/>
/// applies it to data once, so that every batch afterwards arrives in model order.
/// </summary>
public static class ModalityBinding
{
    /// <summary>The position of <paramref name="name"/> in <paramref name="available"/>; <paramref name="needer"/> (e.g. "Method 'audio-only'") names who asked.</summary>
    public static int IndexOf(IReadOnlyList<string> available, string name, string needer)
    {
        for (int i = 0; i < available.Count; i++)
        {
            if (available[i] == name) return i;
        }
        throw new ArgumentException($"{needer} needs modality '{name}', which is not among {string.Join(", ", available)}.");
    }

    /// <summary>The positions of <paramref name="names"/> in <paramref name="available"/>, in the order of <paramref name="names"/>.</summary>
    public static int[] Indices(IReadOnlyList<ModalitySpec> available, IEnumerable<string> names, string needer)
    {
        string[] availableNames = available.Select(m => m.Name).ToArray();
        return names.Select(name => IndexOf(availableNames, name, needer)).ToArray();
    }

    /// <summary>
    /// <paramref name="dataset"/> as a model reading <paramref name="names"/> sees it: its batches hold those inputs, in
    /// that order (the dataset itself when it already is so). A name the dataset lacks is an error naming it and <paramref name="needer"/>.
    /// </summary>
    public static IMultimodalDataset Bind(IMultimodalDataset dataset, IReadOnlyList<string> names, string needer)
    {
        if (names.Distinct().Count() != names.Count) throw new ArgumentException($"{needer} lists a modality twice: {string.Join(", ", names)}.");
        int[] inputs = Indices(dataset.Modalities, names, needer);
        return inputs.SequenceEqual(Enumerable.Range(0, dataset.Modalities.Count)) ? dataset : new ModelOrderDataset(dataset, inputs);
    }

    /// <summary>Every split of <paramref name="splits"/> bound as <see cref="Bind(IMultimodalDataset, IReadOnlyList{string}, string)"/> does.</summary>
    public static DatasetSplits Bind(DatasetSplits splits, IReadOnlyList<string> names, string needer) => splits with
    {
        Train = Bind(splits.Train, names, needer),
        Validation = Bind(splits.Validation, names, needer),
        Test = Bind(splits.Test, names, needer),
    };
}
