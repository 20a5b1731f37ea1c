using Equimodal.Data.Datasets;

namespace Equimodal.Reporting;

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

    /// <summary>The names of the task's metrics (multi-label and regression, from the runs); empty for classification.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> TaskMetricNames => TaskMetricNamesOf(Runs);

    /// <summary>Test accuracy of every method minus that of <see cref="PairedDifferences.BaselineOf"/>, seed by seed.</summary>
    public IReadOnlyList<PairedDifference> PairedAccuracy { get; init; } = Array.Empty<PairedDifference>();

    /// <summary>
    /// The mean failure gap seed noise alone would give (<see cref="ComparisonFailureGaps.SeedNoiseFloor"/>), as a fraction;
    /// null without `m-only` rows of two or more seeds.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? FailureGapFloor { get; init; }

    /// <summary>Builds the results, summarizing <paramref name="runs"/> per method over the columns they have.</summary>
    public static ComparisonResults Create(IReadOnlyList<string> methods, IReadOnlyList<int> seeds, IReadOnlyList<string> modalities, IReadOnlyList<ComparisonRecord> runs)
    {
        IReadOnlyList<ComparisonColumn> columns = ComparisonColumn.For(modalities, runs.Count > 0 ? runs[0].MainMetric ?? "accuracy" : "accuracy", TaskMetricNamesOf(runs));
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
        return new ComparisonResults
        {
            Methods = methods, Seeds = seeds, Modalities = modalities, Runs = runs, Summary = summary, PairedAccuracy = paired,
            FailureGapFloor = ComparisonFailureGaps.SeedNoiseFloor(runs, modalities),
        };
    }

    private static IReadOnlyList<string> TaskMetricNamesOf(IReadOnlyList<ComparisonRecord> runs) =>
        runs.Count > 0 && runs[0].TaskMetrics is { } metrics ? metrics.Keys.ToArray() : Array.Empty<string>();
}
