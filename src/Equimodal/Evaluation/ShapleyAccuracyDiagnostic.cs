using Equimodal.Attribution;

namespace Equimodal.Evaluation;

/// <summary>
/// Exact Shapley value of each modality over the test split's main metric (accuracy for classification; BalanceBenchmark convention: modalities outside a coalition
/// zeroed, v(empty) measured) and the imbalance degree derived from it.
/// </summary>
public sealed class ShapleyAccuracyDiagnostic : IModelDiagnostic
{
    /// <inheritdoc />
    public ModelDiagnostics Apply(ModelDiagnostics diagnostics, DiagnosticContext context)
    {
        DatasetShapley shapley = MainMetricShapley.Compute(context.Model, context.Splits.Test, context.ModalityIndices, context.BatchSize);
        return diagnostics with
        {
            ShapleyValues = shapley.Modalities.Select((name, m) => (name, shapley.Values[m])).ToDictionary(x => x.name, x => x.Item2),
            ImbalanceDegree = ImbalanceDegree(shapley.Values),
            ShapleyGap = ShapleyGap(shapley.Values),
        };
    }

    /// <summary>
    /// Normalized spread of the Shapley values: sum |phi_m - mean(phi)| / sum |phi_m|, which for two modalities is
    /// |phi_a - phi_v| / (|phi_a| + |phi_v|). 0 = every modality contributes equally, 1 = one modality does everything
    /// (two modalities). NaN when every value is 0; 0 for a single modality.
    /// </summary>
    public static double ImbalanceDegree(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        double total = values.Sum(Math.Abs);
        return total == 0 ? double.NaN : values.Sum(v => Math.Abs(v - mean)) / total;
    }

    /// <summary>BalanceBenchmark's imbalance: the mean over modality pairs of |phi_i - phi_j| (|phi_1 - phi_2| for two); 0 for one modality.</summary>
    public static double ShapleyGap(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < values.Count; i++)
        {
            for (int j = i + 1; j < values.Count; j++, pairs++) sum += Math.Abs(values[i] - values[j]);
        }
        return sum / pairs;
    }
}
