using Equimodal.Data.Datasets;
using Equimodal.Evaluation;

namespace Equimodal.Reporting;

/// <summary>One trained run of a comparison: a method with a seed, its test metrics and its diagnostics.</summary>
public sealed record ComparisonRecord
{
    /// <summary>Method name.</summary>
    public string Method { get; init; } = "";

    /// <summary>Training seed.</summary>
    public int Seed { get; init; }

    /// <summary>Run folder, relative to the comparison folder.</summary>
    public string RunFolder { get; init; } = "";

    /// <summary>Epoch (one-based) whose weights were kept.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Test accuracy of the fused logits.</summary>
    public double Accuracy { get; init; }

    /// <summary>The name of <see cref="Accuracy"/>'s metric when it is not accuracy: the task's main metric ("mAP" or "CCC"); null for classification.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? MainMetric { get; init; }

    /// <summary>Test mean average precision.</summary>
    public double MeanAveragePrecision { get; init; }

    /// <summary>Test macro-F1.</summary>
    public double MacroF1 { get; init; }

    /// <summary>Test macro ROC-AUC.</summary>
    public double MacroAuc { get; init; }

    /// <summary>Per-modality accuracy, Shapley values, attribution shares and timings.</summary>
    public ModelDiagnostics Diagnostics { get; init; } = new();

    /// <summary>
    /// Per modality, the test accuracy of the comparison's `m-only` row with the same seed minus this run's acc(m), in
    /// accuracy units (<see cref="FailureGap"/>); null for unimodal runs and when the comparison has no such row.
    /// </summary>
    public IReadOnlyDictionary<string, double>? FailureGaps { get; init; }

    /// <summary>The run's failure gap: the largest of <see cref="FailureGaps"/>, or null without any.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? FailureGap => FailureGaps is null ? null : Evaluation.FailureGap.Of(FailureGaps);
}

/// <summary>Mean and sample standard deviation (n - 1; NaN for a single value) of one metric over seeds.</summary>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Std">Sample standard deviation over seeds.</param>
/// <param name="Count">Number of seeds with a value.</param>
public sealed record MetricSummary(double Mean, double Std, int Count)
{
    /// <summary>Summarizes <paramref name="values"/> (at least one).</summary>
    public static MetricSummary Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("A summary needs at least one value.", nameof(values));
        double mean = values.Average();
        double std = values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new MetricSummary(mean, std, values.Count);
    }
}

/// <summary>One method's metrics summarized over its seeds, keyed by <see cref="ComparisonColumn.Key"/>.</summary>
/// <param name="Method">Method name.</param>
/// <param name="Metrics">Summary of each metric the method's runs have.</param>
public sealed record MethodSummary(string Method, IReadOnlyDictionary<string, MetricSummary> Metrics);

/// <summary>Everything `equimodal compare` writes to results.json.</summary>
public sealed record ComparisonResults
{
    /// <summary>Methods, in the order given.</summary>
    public IReadOnlyList<string> Methods { get; init; } = Array.Empty<string>();

    /// <summary>Seeds every method was trained with.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = Array.Empty<int>();

    /// <summary>Modalities of the dataset.</summary>
    public IReadOnlyList<string> Modalities { get; init; } = Array.Empty<string>();

    /// <summary>One record per method and seed.</summary>
    public IReadOnlyList<ComparisonRecord> Runs { get; init; } = Array.Empty<ComparisonRecord>();

    /// <summary>Per-method mean and standard deviation over seeds.</summary>
    public IReadOnlyList<MethodSummary> Summary { get; init; } = Array.Empty<MethodSummary>();

    /// <summary>What loading the dataset left out (samples skipped by --on-bad-sample skip, notices): every run saw the same data.</summary>
    public LoadReport DataReport { get; init; } = LoadReport.Empty;

    /// <summary>Rows that trained a method with options of their own: row name to "method key=value ...".</summary>
    public IReadOnlyDictionary<string, string> Variants { get; init; } = new Dictionary<string, string>();

    /// <summary>The `equimodal compare` command line that trains this comparison, when it was run from the command line.</summary>
    public string? Command { get; init; }

    /// <summary>The task's main metric, which the accuracy columns hold (from the runs; "accuracy" for classification).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string MainMetric => Runs.Count > 0 ? Runs[0].MainMetric ?? "accuracy" : "accuracy";

    /// <summary>Test accuracy of every method minus that of <see cref="PairedDifferences.BaselineOf"/>, seed by seed.</summary>
    public IReadOnlyList<PairedDifference> PairedAccuracy { get; init; } = Array.Empty<PairedDifference>();

    /// <summary>Builds the results, summarizing <paramref name="runs"/> per method over the columns they have.</summary>
    public static ComparisonResults Create(IReadOnlyList<string> methods, IReadOnlyList<int> seeds, IReadOnlyList<string> modalities, IReadOnlyList<ComparisonRecord> runs)
    {
        IReadOnlyList<ComparisonColumn> columns = ComparisonColumn.For(modalities);
        runs = ComparisonFailureGaps.Attach(runs, modalities);
        var summary = methods.Select(method =>
        {
            ComparisonRecord[] ofMethod = runs.Where(r => r.Method == method).ToArray();
            var metrics = new Dictionary<string, MetricSummary>();
            foreach (ComparisonColumn column in columns)
            {
                double[] values = ofMethod.Select(column.Value).OfType<double>().ToArray();
                if (values.Length > 0) metrics[column.Key] = MetricSummary.Of(values);
            }
            return new MethodSummary(method, metrics);
        }).ToArray();
        string? baseline = PairedDifferences.BaselineOf(methods);
        IReadOnlyList<PairedDifference> paired = baseline is null ? Array.Empty<PairedDifference>() : PairedDifferences.Against(methods, runs, baseline);
        return new ComparisonResults { Methods = methods, Seeds = seeds, Modalities = modalities, Runs = runs, Summary = summary, PairedAccuracy = paired };
    }
}
