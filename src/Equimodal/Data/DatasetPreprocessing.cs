namespace Equimodal.Data;

/// <summary>Every modality's preprocessing of a dataset, in dataset order.</summary>
/// <param name="Inputs">One entry per dataset modality.</param>
public sealed record DatasetPreprocessing(IReadOnlyList<InputPreprocessing> Inputs)
{
    /// <summary>The format version of preprocessing.json this version of Equimodal writes (older files are migrated when read).</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Format version of preprocessing.json.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The AV-Digits task the inputs were paired for ("digit", "sum" or "pair"); null for other datasets and older files (read as "digit").</summary>
    public string? AvDigitsTask { get; init; }

    /// <summary>What the labels were made for (classes, label sets or target values); null for older files (classification).</summary>
    public Tasks.TaskKind? Task { get; init; }

    /// <summary>The entry of modality <paramref name="name"/>, or null.</summary>
    public InputPreprocessing? Of(string name) => Inputs.FirstOrDefault(i => i.Modality == name);
}
