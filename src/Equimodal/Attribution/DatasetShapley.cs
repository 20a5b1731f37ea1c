namespace Equimodal.Attribution;

/// <summary>Shapley values of a dataset's accuracy over modalities.</summary>
/// <param name="Modalities">Modality names, in input order.</param>
/// <param name="Values">Each modality's Shapley value (accuracy points, as a fraction).</param>
/// <param name="CoalitionAccuracy">Accuracy of every coalition, indexed by bitmask (bit m set = modality m present).</param>
public sealed record DatasetShapley(IReadOnlyList<string> Modalities, IReadOnlyList<double> Values, IReadOnlyList<double> CoalitionAccuracy)
{
    /// <summary>Accuracy with every modality present.</summary>
    public double Full => CoalitionAccuracy[^1];

    /// <summary>Accuracy with every modality absent (measured).</summary>
    public double Empty => CoalitionAccuracy[0];
}
