namespace Equimodal.Data.Datasets;

/// <summary>One listed sample of a file dataset, with where it was listed (for error messages).</summary>
/// <param name="Id">Unique sample id.</param>
/// <param name="Label">Class name (classification), else the label text as listed (for messages).</param>
/// <param name="Split">"train", "validation" (or "val") or "test".</param>
/// <param name="Paths">One file or folder per modality, in modality order.</param>
/// <param name="Source">The list file naming the sample.</param>
/// <param name="Line">1-based line in <paramref name="Source"/>.</param>
/// <param name="Values">The label values of a multi-label (multi-hot) or regression (targets) sample; null for classification.</param>
public sealed record ClipEntry(string Id, string Label, string Split, IReadOnlyList<string> Paths, string Source, int Line, IReadOnlyList<float>? Values = null);
