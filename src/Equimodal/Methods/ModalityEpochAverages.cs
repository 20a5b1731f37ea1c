namespace Equimodal.Methods;

/// <summary>
/// Per-modality means over one epoch's steps of a few per-step quantities (e.g. a modulation coefficient), reported by
/// <see cref="TrainingMethod.EpochMetrics"/> as "{prefix}.{quantity}.{modality}".
/// </summary>
public sealed class ModalityEpochAverages
{
    private readonly string _prefix;
    private readonly IReadOnlyList<string> _quantities;
    private readonly IReadOnlyList<string> _modalities;
    private readonly double[][] _sums;
    private int _steps;

    /// <summary>Creates empty averages of <paramref name="quantities"/> for <paramref name="modalities"/>.</summary>
    public ModalityEpochAverages(string prefix, IReadOnlyList<string> quantities, IReadOnlyList<string> modalities)
    {
        _prefix = prefix;
        _quantities = quantities;
        _modalities = modalities;
        _sums = quantities.Select(_ => new double[modalities.Count]).ToArray();
    }

    /// <summary>Forgets every step (call at the start of an epoch).</summary>
    public void Reset()
    {
        foreach (double[] sums in _sums) Array.Clear(sums);
        _steps = 0;
    }

    /// <summary>Adds one step: one value per modality for each quantity, in the constructor's order.</summary>
    public void Add(params IReadOnlyList<double>[] values)
    {
        if (values.Length != _quantities.Count) throw new ArgumentException($"Expected {_quantities.Count} quantities, got {values.Length}.");
        for (int q = 0; q < values.Length; q++)
        {
            for (int m = 0; m < _modalities.Count; m++) _sums[q][m] += values[q][m];
        }
        _steps++;
    }

    /// <summary>The means since the last <see cref="Reset"/> (zero before any step).</summary>
    public IReadOnlyDictionary<string, double> Metrics()
    {
        var metrics = new Dictionary<string, double>();
        for (int q = 0; q < _quantities.Count; q++)
        {
            for (int m = 0; m < _modalities.Count; m++) metrics[$"{_prefix}.{_quantities[q]}.{_modalities[m]}"] = _sums[q][m] / Math.Max(1, _steps);
        }
        return metrics;
    }
}
