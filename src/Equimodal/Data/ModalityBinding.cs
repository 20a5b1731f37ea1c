namespace Equimodal.Data;

/// <summary>
/// Where named modalities sit in a list of modalities (a dataset's inputs, a model's encoders): the one by-name lookup,
/// with one error that says who needed which modality and what there is instead.
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
}
