using Equimodal.Tasks;
using static TorchSharp.torch;

namespace Equimodal.Data;

/// <summary>Checks and builds the labels of the tasks whose labels are numbers per output (multi-label, regression).</summary>
public static class LabelValues
{
    /// <summary>
    /// <paramref name="labels"/> as float32 [samples, outputs]; an error names the problem when the shape does not match
    /// <paramref name="outputNames"/>, a value is not finite, or a multi-label value is not 0 or 1.
    /// </summary>
    public static Tensor Check(Tensor labels, IReadOnlyList<string> outputNames, TaskKind task)
    {
        string what = task == TaskKind.MultiLabel ? "labels" : "targets";
        if (labels.dim() != 2 || labels.shape[1] != outputNames.Count)
            throw new ArgumentException($"{PredictionTask.NameOf(task)} labels must be [samples, {outputNames.Count}] (one column per {what[..^1]}: {string.Join(", ", outputNames)}), got [{string.Join(", ", labels.shape)}].");
        Tensor values = labels.to_type(ScalarType.Float32);
        float[] flat = values.data<float>().ToArray();
        int bad = Array.FindIndex(flat, v => !float.IsFinite(v) || (task == TaskKind.MultiLabel && v != 0 && v != 1));
        if (bad >= 0)
        {
            throw new ArgumentException($"Sample {bad / outputNames.Count}, {what[..^1]} '{outputNames[bad % outputNames.Count]}' has value {flat[bad]}: "
                + (task == TaskKind.MultiLabel ? "multi-label labels are 0 or 1." : "targets must be finite numbers."));
        }
        return values;
    }

    /// <summary><paramref name="rows"/> (one label row per sample) as a float32 tensor [samples, <paramref name="outputs"/>].</summary>
    public static Tensor Rows(IReadOnlyList<IReadOnlyList<float>> rows, int outputs)
    {
        var flat = new float[rows.Count * outputs];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < outputs; j++) flat[i * outputs + j] = rows[i][j];
        return tensor(flat, new long[] { rows.Count, outputs });
    }
}
