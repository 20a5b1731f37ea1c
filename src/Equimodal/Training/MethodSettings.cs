using System.Globalization;

namespace Equimodal.Training;

/// <summary>
/// Method-specific options as key=value pairs (from --method-option or a config file). Each method reads its keys with
/// a default and a valid range; <see cref="RejectUnknown"/> then refuses keys no method read, naming the valid ones.
/// </summary>
public sealed class MethodSettings
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    /// <summary>Creates settings from pairs.</summary>
    public MethodSettings(IReadOnlyDictionary<string, string>? values = null) =>
        _values = values is null ? new() : new Dictionary<string, string>(values, StringComparer.Ordinal);

    /// <summary>Parses "key=value" strings.</summary>
    public static MethodSettings Parse(IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"Method option '{pair}' is not of the form key=value.");
            values[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return new MethodSettings(values);
    }

    /// <summary>The pairs as given.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>A number in [min, max].</summary>
    public double Number(string key, double fallback, double min, double max)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out string? text)) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || !(value >= min && value <= max))
            throw new ArgumentException($"Method option {key}={text} is invalid: expected a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
        return value;
    }

    /// <summary>An integer in [min, max].</summary>
    public int Integer(string key, int fallback, int min, int max)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out string? text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new ArgumentException($"Method option {key}={text} is invalid: expected an integer in [{min}, {max}].");
        return value;
    }

    /// <summary>One of <paramref name="choices"/>.</summary>
    public string Choice(string key, string fallback, IReadOnlyList<string> choices)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out string? text)) return fallback;
        if (!choices.Contains(text)) throw new ArgumentException($"Method option {key}={text} is invalid: expected one of {string.Join(", ", choices)}.");
        return text;
    }

    /// <summary>A free-form string.</summary>
    public string Text(string key, string fallback)
    {
        _known.Add(key);
        return _values.TryGetValue(key, out string? text) ? text : fallback;
    }

    /// <summary>Throws when a key was given that the method did not read.</summary>
    public void RejectUnknown(string method)
    {
        string[] unknown = _values.Keys.Where(k => !_known.Contains(k)).ToArray();
        if (unknown.Length == 0) return;
        string valid = _known.Count == 0 ? "none" : string.Join(", ", _known.Order());
        throw new ArgumentException($"Method '{method}' has no option {string.Join(", ", unknown)}. Valid options: {valid}.");
    }
}
