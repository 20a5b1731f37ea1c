using Equimodal.Attribution;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Reporting;

/// <summary>
/// A method's runs against a baseline's, paired by seed, with unimodal reference runs (`NAME-only`) of the same seeds:
/// which modality the baseline under-trains (its largest mean failure gap) and how the method compares on the
/// quantities that say whether that modality counts.
/// </summary>
public sealed class SeedPairedRuns
{
    private readonly IReadOnlyList<Run> _method;
    private readonly IReadOnlyList<Run> _baseline;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<Run>> _references;
    private readonly IReadOnlyList<string> _modalities;

    private SeedPairedRuns((string Name, IReadOnlyList<Run> Runs) method, (string Name, IReadOnlyList<Run> Runs) baseline, IReadOnlyDictionary<string, IReadOnlyList<Run>> references, IReadOnlyList<string> modalities)
    {
        (MethodName, _method) = method;
        (BaselineName, _baseline) = baseline;
        (_references, _modalities) = (references, modalities);
        Weak = references.Keys.OrderByDescending(m => Enumerable.Range(0, Count).Average(s => Gap(_baseline[s], m, s))).First();
    }

    /// <summary>The method's name.</summary>
    public string MethodName { get; }

    /// <summary>The baseline's name.</summary>
    public string BaselineName { get; }

    /// <summary>Number of seeds.</summary>
    public int Count => _method.Count;

    /// <summary>The modality whose own logits the baseline leaves furthest below its unimodal model, on average over seeds.</summary>
    public string Weak { get; }

    /// <summary>
    /// Groups finished runs: <paramref name="methods"/>[i] names the method of <paramref name="results"/>[i] and
    /// <paramref name="shapley"/>[i]; each method's runs must come in the same seed order. Needs the two methods and at
    /// least one `NAME-only` reference.
    /// </summary>
    public static SeedPairedRuns From(IReadOnlyList<string> methods, IReadOnlyList<TrainingResult> results, IReadOnlyList<DatasetShapley> shapley,
        IReadOnlyList<string> modalities, string method, string baseline)
    {
        IReadOnlyList<Run> Of(string name) => methods.Select((m, i) => (m, i)).Where(p => p.m == name).Select(p => new Run(results[p.i], shapley[p.i])).ToArray();
        IReadOnlyList<Run> treated = Of(method), reference = Of(baseline);
        var unimodal = modalities.Where(m => methods.Contains($"{m}-only")).ToDictionary(m => m, m => Of($"{m}-only"));
        if (treated.Count == 0 || treated.Count != reference.Count || unimodal.Count == 0 || unimodal.Values.Any(r => r.Count != treated.Count))
            throw new ArgumentException($"Pairing needs as many runs of {method} as of {baseline} and of each NAME-only reference, and at least one reference.");
        return new SeedPairedRuns((method, treated), (baseline, reference), unimodal, modalities);
    }

    /// <summary>The unimodal reference's accuracy minus <paramref name="modality"/>'s own-logit accuracy in <paramref name="run"/> on seed index <paramref name="seed"/>.</summary>
    private double Gap(Run run, string modality, int seed) =>
        FailureGap.PerModality(run.Result.Test.ModalityAccuracy, new Dictionary<string, double> { [modality] = _references[modality][seed].Result.Test.Accuracy })[modality];

    /// <summary>The weak modality's failure gap per seed, for the baseline and the method, and its unimodal accuracy.</summary>
    public IReadOnlyList<string> FailureGaps()
    {
        PairedSeeds format = new("", Array.Empty<double>(), Array.Empty<double>(), false, InPoints: true);
        string Values(IEnumerable<double> values) => string.Join(", ", values.Select(v => format.Format(v)));
        IEnumerable<int> seeds = Enumerable.Range(0, Count);
        return new[]
        {
            $"{Weak}-only accuracy per seed: {Values(_references[Weak].Select(r => r.Result.Test.Accuracy))} %",
            $"failure gap({Weak}) per seed: {BaselineName} {Values(seeds.Select(s => Gap(_baseline[s], Weak, s)))}; {MethodName} {Values(seeds.Select(s => Gap(_method[s], Weak, s)))} points",
        };
    }

    /// <summary>
    /// The method against the baseline per seed: test accuracy, the weak modality's failure gap (lower is better), the
    /// accuracy without each other modality (the weak one must carry the prediction), and the Shapley imbalance.
    /// </summary>
    public IReadOnlyList<PairedSeeds> Comparisons()
    {
        var comparisons = new List<PairedSeeds>
        {
            Paired("accuracy", r => r.Result.Test.Accuracy, higherIsBetter: true, inPoints: true),
            new($"failure gap({Weak})", Enumerable.Range(0, Count).Select(s => Gap(_method[s], Weak, s)).ToArray(),
                Enumerable.Range(0, Count).Select(s => Gap(_baseline[s], Weak, s)).ToArray(), HigherIsBetter: false, InPoints: true),
        };
        foreach (string other in _modalities.Where(m => m != Weak))
            comparisons.Add(Paired($"accuracy without {other}", r => Without(r.Shapley, other), higherIsBetter: true, inPoints: true));
        comparisons.Add(Paired("Shapley imbalance", r => ShapleyAccuracyDiagnostic.ImbalanceDegree(r.Shapley.Values), higherIsBetter: false, inPoints: false));
        return comparisons;
    }

    private PairedSeeds Paired(string quantity, Func<Run, double> value, bool higherIsBetter, bool inPoints) =>
        new(quantity, _method.Select(value).ToArray(), _baseline.Select(value).ToArray(), higherIsBetter, inPoints);

    private static double Without(DatasetShapley values, string modality) =>
        values.CoalitionAccuracy[ModalityCoalitions.Without(values.Modalities.Count, values.Modalities.ToList().IndexOf(modality))];

    private sealed record Run(TrainingResult Result, DatasetShapley Shapley);
}
