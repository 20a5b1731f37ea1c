using System.Globalization;
using Equimodal.Tasks;

namespace Equimodal.Data.Datasets;

/// <summary>
/// The label columns of a manifest and the task they serve: <c>label</c> (one class: classification), <c>labels</c>
/// (classes separated by <c>;</c>, possibly none: multi-label) and <c>target</c> or <c>target:NAME</c> (one number per
/// column: regression). Without an asked task the first of those present, in that order, decides.
/// </summary>
public sealed class ManifestLabels
{
    /// <summary>The single-class column.</summary>
    public const string LabelColumn = "label";

    /// <summary>The multi-label column.</summary>
    public const string LabelsColumn = "labels";

    /// <summary>The regression column, or the prefix of named ones (<c>target:valence</c>).</summary>
    public const string TargetColumn = "target";

    private readonly string[] _targetColumns;

    private ManifestLabels(TaskKind task, string[] targetColumns)
    {
        Task = task;
        _targetColumns = targetColumns;
    }

    /// <summary>The task the manifest is read for.</summary>
    public TaskKind Task { get; }

    /// <summary>Whether <paramref name="column"/> holds labels rather than a modality.</summary>
    public static bool IsLabelColumn(string column) =>
        column is LabelColumn or LabelsColumn or TargetColumn || column.StartsWith(TargetColumn + ":", StringComparison.Ordinal);

    /// <summary>
    /// The task of a manifest with <paramref name="columns"/>: <paramref name="requested"/>, or what the columns say.
    /// An asked task the columns cannot serve is an error naming the column it needs.
    /// </summary>
    public static ManifestLabels Resolve(IReadOnlyList<string> columns, TaskKind? requested, string manifest)
    {
        string[] targets = columns.Where(c => c == TargetColumn || c.StartsWith(TargetColumn + ":", StringComparison.Ordinal)).ToArray();
        var served = new List<TaskKind>();
        if (columns.Contains(LabelColumn)) served.Add(TaskKind.Classification);
        if (columns.Contains(LabelsColumn)) served.Add(TaskKind.MultiLabel);
        if (targets.Length > 0) served.Add(TaskKind.Regression);
        if (served.Count == 0)
            throw new DataFileException(manifest, $"no label column: add '{LabelColumn}' (a class), '{LabelsColumn}' (classes separated by ';') or '{TargetColumn}' / '{TargetColumn}:NAME' (numbers)", 1);
        TaskKind task = requested ?? served[0];
        if (!served.Contains(task))
        {
            string needed = task switch
            {
                TaskKind.Classification => $"a '{LabelColumn}' column (one class per row)",
                TaskKind.MultiLabel => $"a '{LabelsColumn}' column (classes separated by ';')",
                _ => $"a '{TargetColumn}' or '{TargetColumn}:NAME' column (one number per row)",
            };
            throw new DataFileException(manifest, $"--task {PredictionTask.NameOf(task)} needs {needed}; this manifest serves {string.Join(", ", served.Select(PredictionTask.NameOf))}", 1);
        }
        return new ManifestLabels(task, targets);
    }

    /// <summary>
    /// Output names: the classes of <paramref name="rows"/> (or <paramref name="listed"/>, classes.txt's lines) sorted,
    /// or the target names (<c>target</c>, or NAME of <c>target:NAME</c>).
    /// </summary>
    public IReadOnlyList<string> OutputNames(IReadOnlyList<TableRow> rows, IReadOnlyList<string>? listed) => Task switch
    {
        TaskKind.Regression => _targetColumns.Select(c => c == TargetColumn ? c : c[(TargetColumn.Length + 1)..]).ToArray(),
        _ when listed is not null => listed,
        TaskKind.MultiLabel => rows.SelectMany(r => Split(r[LabelsColumn])).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
        _ => rows.Select(r => r[LabelColumn]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
    };

    /// <summary>The class of <paramref name="row"/> (classification), else its label text as written.</summary>
    public string LabelText(TableRow row) => Task switch
    {
        TaskKind.Classification => row[LabelColumn],
        TaskKind.MultiLabel => row[LabelsColumn],
        _ => string.Join(";", _targetColumns.Select(c => row[c])),
    };

    /// <summary>
    /// The label values of <paramref name="row"/>: null for classification; a multi-hot row over <paramref name="outputNames"/>
    /// (multi-label); the targets (regression). A label not among the outputs, or a target that is not a finite number, is an error naming the line.
    /// </summary>
    public float[]? Values(TableRow row, IReadOnlyList<string> outputNames, string manifest)
    {
        if (Task == TaskKind.Classification) return null;
        var values = new float[outputNames.Count];
        if (Task == TaskKind.MultiLabel)
        {
            foreach (string label in Split(row[LabelsColumn]))
            {
                int index = IndexOf(outputNames, label);
                if (index < 0) throw new DataFileException(manifest, $"label '{label}' of '{row["id"]}' is not one of {string.Join(", ", outputNames)}", row.Line);
                values[index] = 1;
            }
            return values;
        }
        for (int t = 0; t < _targetColumns.Length; t++)
        {
            string text = row[_targetColumns[t]];
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[t]) || !float.IsFinite(values[t]))
                throw new DataFileException(manifest, $"column '{_targetColumns[t]}' of '{row["id"]}' is '{text}', not a finite number (use a '.' decimal point)", row.Line);
        }
        return values;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (string.Equals(names[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }

    private static IEnumerable<string> Split(string labels) =>
        labels.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
