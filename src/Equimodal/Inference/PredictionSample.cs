namespace Equimodal.Inference;

/// <summary>One sample to predict from files: a path per modality of the model, null (or a file that does not exist) for a missing modality.</summary>
/// <param name="Id">Sample id (written in the output row).</param>
/// <param name="Paths">Path of each modality by name.</param>
public sealed record PredictionSample(string Id, IReadOnlyDictionary<string, string?> Paths);
