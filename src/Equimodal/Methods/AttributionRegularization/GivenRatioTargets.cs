
namespace Equimodal.Methods.AttributionRegularization;

/// <summary>target-shares=ratios: fixed shares in the given ratios (target-ratios, one per modality), normalised.</summary>
public sealed class GivenRatioTargets : TargetPolicy
{
    private readonly double[] _ratios;

    /// <summary>Parses the ratios (e.g. "2,1"); fails naming the option when they are not non-negative numbers with a positive sum.</summary>
    public GivenRatioTargets(string ratios) => _ratios = ParseRatios(ratios);

    /// <inheritdoc />
    public override void Setup(IReadOnlyList<string> modalities)
    {
        if (_ratios.Length != modalities.Count)
            throw new ArgumentException($"Method option target-ratios has {_ratios.Length} values for {modalities.Count} modalities ({string.Join(", ", modalities)}).");
        Set(Normalise(_ratios));
    }
}
