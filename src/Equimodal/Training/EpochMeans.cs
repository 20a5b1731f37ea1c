using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// Means over one epoch's steps of a method's per-step scalars (e.g. a modulation coefficient per modality), reported by
/// <see cref="TrainingMethod.EpochMetrics"/>. The running sums are part of the method's checkpoint state
/// (<see cref="SaveState"/>, <see cref="LoadState"/>): a run resumed mid-epoch then logs the means of the whole epoch,
/// not only of the steps after the resume.
/// </summary>
public sealed class EpochMeans
{
    private readonly string _sumsKey;
    private readonly string _stepsKey;
    private readonly string[] _names;
    private readonly double[] _sums;
    private long _steps;

    /// <summary>
    /// Creates empty means of the metrics <paramref name="names"/>; their sums are saved under
    /// "{<paramref name="stateKey"/>}.epoch-sums" and "{<paramref name="stateKey"/>}.epoch-steps".
    /// </summary>
    public EpochMeans(string stateKey, IEnumerable<string> names)
    {
        _sumsKey = $"{stateKey}.epoch-sums";
        _stepsKey = $"{stateKey}.epoch-steps";
        _names = names.ToArray();
        _sums = new double[_names.Length];
    }

    /// <summary>
    /// Means of <paramref name="quantities"/> for every modality, named "{prefix}.{quantity}.{modality}" (quantity-major:
    /// <see cref="Add"/> takes one list per quantity with one value per modality); the state key is the prefix.
    /// </summary>
    public static EpochMeans PerModality(string prefix, IReadOnlyList<string> quantities, IReadOnlyList<string> modalities) =>
        new(prefix, quantities.SelectMany(quantity => modalities.Select(modality => $"{prefix}.{quantity}.{modality}")));

    /// <summary>Metric names, in the order <see cref="Add"/> takes their values.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Steps added since the last <see cref="Reset"/>.</summary>
    public long Steps => _steps;

    /// <summary>Forgets every step (call at the start of an epoch).</summary>
    public void Reset()
    {
        Array.Clear(_sums);
        _steps = 0;
    }

    /// <summary>Adds one step: the values of every metric in <see cref="Names"/> order, given as consecutive lists.</summary>
    public void Add(params IReadOnlyList<double>[] values)
    {
        int count = values.Sum(list => list.Count);
        if (count != _names.Length) throw new ArgumentException($"Expected {_names.Length} values ({string.Join(", ", _names)}), got {count}.");
        int i = 0;
        foreach (IReadOnlyList<double> list in values)
        {
            foreach (double value in list) _sums[i++] += value;
        }
        _steps++;
    }

    /// <summary>The means since the last <see cref="Reset"/> (zero before any step); a new dictionary the caller may extend.</summary>
    public Dictionary<string, double> Metrics() =>
        _names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => _sums[x.i] / Math.Max(1, _steps));

    /// <summary>Writes the sums and the step count into a method's checkpoint state.</summary>
    public void SaveState(IDictionary<string, Tensor> state)
    {
        state[_sumsKey] = tensor(_sums, dtype: float64);
        state[_stepsKey] = tensor(new[] { _steps }, dtype: int64);
    }

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote. A checkpoint without the sums (written before they were saved) leaves
    /// the means empty: training resumes exactly, only the interrupted epoch's means then cover the steps after the resume.
    /// </summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue(_sumsKey, out Tensor? sums) || !state.TryGetValue(_stepsKey, out Tensor? steps)) return;
        if (sums.numel() != _sums.Length)
            throw new InvalidOperationException($"The checkpoint's epoch sums ({_sumsKey}) have {sums.numel()} values, expected {_sums.Length} ({string.Join(", ", _names)}).");
        sums.data<double>().ToArray().CopyTo(_sums, 0);
        _steps = steps.item<long>();
    }
}
