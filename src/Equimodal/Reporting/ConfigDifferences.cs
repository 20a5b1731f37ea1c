using System.Text.Json.Nodes;

namespace Equimodal.Reporting;

/// <summary>The settings in which two JSON configurations differ, named by their path with both values.</summary>
public static class ConfigDifferences
{
    private const int Listed = 8;

    /// <summary>
    /// "training.learningRate: plan 0.001, given 0.1; ..." for every leaf that differs between <paramref name="first"/>
    /// and <paramref name="second"/> (labelled <paramref name="firstLabel"/> and <paramref name="secondLabel"/>), or "" when they agree.
    /// <paramref name="name"/> turns a path into the name the user knows (e.g. a command-line flag); by default the path.
    /// </summary>
    public static string Describe(JsonNode? first, JsonNode? second, string firstLabel, string secondLabel, Func<string, string>? name = null)
    {
        name ??= path => path;
        var differences = new List<(string Path, string First, string Second)>();
        Compare(first, second, "", differences);
        if (differences.Count == 0) return "";
        return string.Join("; ", differences.Take(Listed).Select(d => $"{name(d.Path)}: {firstLabel} {d.First}, {secondLabel} {d.Second}"))
            + (differences.Count > Listed ? $"; and {differences.Count - Listed} more" : "");
    }

    private static void Compare(JsonNode? first, JsonNode? second, string path, List<(string Path, string First, string Second)> differences)
    {
        if (first is JsonObject a && second is JsonObject b)
        {
            foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                Compare(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}", differences);
            return;
        }
        string left = first?.ToJsonString() ?? "none", right = second?.ToJsonString() ?? "none";
        if (left != right) differences.Add((path.Length == 0 ? "value" : path, left, right));
    }
}
