namespace Equimodal.Evaluation;

/// <summary>Test-time conditions of an evaluation: modalities made absent and corruptions of the others' inputs.</summary>
/// <param name="Missing">Modalities absent for every sample (see <see cref="Models.MissingModality"/>).</param>
/// <param name="Corruptions">Corruptions applied to the inputs.</param>
public sealed record TestCondition(IReadOnlyList<string> Missing, IReadOnlyList<Corruption> Corruptions)
{
    /// <summary>Seed of the corruptions' noise and places (the batch offset is added).</summary>
    public int Seed { get; init; }

    /// <summary>A short label, e.g. "no audio" or "visual:occlusion=0.5".</summary>
    public string Label => string.Join(", ", Missing.Select(m => $"no {m}").Concat(Corruptions.Select(c => c.ToString())));

    /// <summary>Throws when a named modality is not one of <paramref name="modalities"/>.</summary>
    public void Check(IReadOnlyList<string> modalities)
    {
        foreach (string name in Missing.Concat(Corruptions.Select(c => c.Modality)))
            if (!modalities.Contains(name)) throw new ArgumentException($"Modality '{name}' is not read by the model ({string.Join(", ", modalities)}).");
    }
}
