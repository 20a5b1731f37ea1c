namespace Equimodal.Data.Datasets;

/// <summary>
/// Reads the small comma-separated lists datasets ship: a value in double quotes may hold commas (and "" for a quote);
/// no value spans lines.
/// Files without a header row are read with the column names the dataset documents.
/// </summary>
public static class CsvTable
{
    /// <summary>
    /// Reads <paramref name="path"/>. When the first line holds every one of <paramref name="required"/> it is the header;
    /// otherwise, if <paramref name="headerless"/> is given, rows are read positionally with those names. Rows with fewer
    /// values than columns are errors naming the line.
    /// </summary>
    public static IReadOnlyList<TableRow> Read(string path, IReadOnlyList<string> required, IReadOnlyList<string>? headerless = null)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "list file not found");
        string[] lines = File.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0) throw new DataFileException(path, "the file is empty");
        string[] head = Split(lines[first]);
        string? repeated = head.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null && required.All(head.Contains)) throw new DataFileException(path, $"column '{repeated}' appears twice in the header", first + 1);
        string[] columns;
        int start;
        if (required.All(head.Contains))
        {
            (columns, start) = (head, first + 1);
        }
        else if (headerless is not null && !required.Any(head.Contains))
        {
            (columns, start) = (headerless.ToArray(), first);
        }
        else
        {
            string[] missing = required.Where(c => !head.Contains(c)).ToArray();
            throw new DataFileException(path, $"missing column(s) {string.Join(", ", missing)} (header: {string.Join(",", head)})", first + 1);
        }
        var rows = new List<TableRow>();
        for (int i = start; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            string[] values = Split(lines[i]);
            if (values.Length != columns.Length)
                throw new DataFileException(path, $"{values.Length} value(s) but {columns.Length} columns ({string.Join(",", columns)}); quote a value that holds a comma", i + 1);
            rows.Add(new TableRow(i + 1, columns.Select((c, k) => (c, values[k])).ToDictionary(p => p.c, p => p.Item2)));
        }
        return rows;
    }

    /// <summary>The values of one line: split at commas outside double quotes, quotes removed, values trimmed.</summary>
    public static string[] Split(string line)
    {
        var values = new List<string>();
        var value = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"' && quoted && i + 1 < line.Length && line[i + 1] == '"')
            {
                value.Append('"');
                i++;
            }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                values.Add(value.ToString().Trim());
                value.Clear();
            }
            else value.Append(c);
        }
        values.Add(value.ToString().Trim());
        return values.ToArray();
    }
}
