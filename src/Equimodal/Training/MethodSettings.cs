using System.Globalization;

namespace Equimodal.Training;

/// <summary>
/// Method-specific options as key=value pairs (from --method-option or a config file). Each method reads its keys with
/// a default, a valid range and a description; a registration's presets (a variant such as "ogm" of "ogm-ge") replace
/// defaults; the registry then refuses keys no method read, naming the valid ones.
/// </summary>
public sealed class MethodSettings
{
    private readonly Dictionary<string, string> _values;
    private readonly Dictionary<string, string> _presets = new(StringComparer.Ordinal);
    private readonly List<MethodOption> _declared = new();
    private readonly Dictionary<string, string> _formerNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);

    /// <summary>Creates settings from pairs.</summary>
    public MethodSettings(IReadOnlyDictionary<string, string>? values = null) =>
        _values = values is null ? new() : new Dictionary<string, string>(values, StringComparer.Ordinal);

    /// <summary>Parses "key=value" strings.</summary>
    public static MethodSettings Parse(IEnumerable<string> pairs) => new(ParsePairs(pairs));

    /// <summary>The pairs as given.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The options read so far, in reading order, with their defaults after presets.</summary>
    public IReadOnlyList<MethodOption> Declared => _declared;

    /// <summary>
    /// Every option read so far with the value the method uses (the given one, else its default after presets), by key:
    /// what a run folder records, so that a later change of a default does not change what resuming the run trains.
    /// </summary>
    public IReadOnlyDictionary<string, string> Resolved =>
        new SortedDictionary<string, string>(_declared.GroupBy(o => o.Key).ToDictionary(g => g.Key, g => _values.GetValueOrDefault(g.Key) ?? g.First().Default), StringComparer.Ordinal);

    /// <summary>Settings with the same given pairs whose defaults are replaced by <paramref name="presets"/> ("key=value").</summary>
    public MethodSettings WithPresets(IEnumerable<string> presets)
    {
        var result = new MethodSettings(_values);
        foreach (var (key, value) in ParsePairs(presets)) result._presets[key] = value;
        return result;
    }

    /// <summary>A number in [min, max].</summary>
    public double Number(string key, double fallback, double min, double max, string description)
    {
        string? text = Read(key, fallback.ToString("R", CultureInfo.InvariantCulture), $"[{Format(min)}, {Format(max)}]", description);
        if (text is null) return fallback;
        return NumberIn(text, min, max) ?? throw new ArgumentException($"Method option {key}={text} is invalid: expected a number in [{Format(min)}, {Format(max)}].");
    }

    /// <summary>A number in [min, max], or <paramref name="word"/> (returned as null), whose meaning the method defines.</summary>
    public double? NumberOr(string word, string key, string fallback, double min, double max, string description)
    {
        string? text = Read(key, fallback, $"{word} or [{Format(min)}, {Format(max)}]", description) ?? fallback;
        if (text == word) return null;
        return NumberIn(text, min, max) ?? throw new ArgumentException($"Method option {key}={text} is invalid: expected {word} or a number in [{Format(min)}, {Format(max)}].");
    }

    // The finite number text spells, if it lies in [min, max].
    private static double? NumberIn(string text, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= min && value <= max ? value : null;

    /// <summary>An integer in [min, max].</summary>
    public int Integer(string key, int fallback, int min, int max, string description)
    {
        string? text = Read(key, fallback.ToString(CultureInfo.InvariantCulture), $"integer in [{min}, {(max == int.MaxValue ? "inf" : max.ToString(CultureInfo.InvariantCulture))}]", description);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new ArgumentException($"Method option {key}={text} is invalid: expected an integer in [{min}, {max}].");
        return value;
    }

    /// <summary>One of <paramref name="choices"/>.</summary>
    public string Choice(string key, string fallback, IReadOnlyList<string> choices, string description)
    {
        string? text = Read(key, fallback, string.Join("|", choices), description);
        if (text is null) return fallback;
        if (!choices.Contains(text)) throw new ArgumentException($"Method option {key}={text} is invalid: expected one of {string.Join(", ", choices)}.");
        return text;
    }

    /// <summary>A free-form string.</summary>
    public string Text(string key, string fallback, string description) => Read(key, fallback, "text", description) ?? fallback;

    /// <summary>Former option names declared so far, each with its current name.</summary>
    public IReadOnlyDictionary<string, string> FormerNames => _formerNames;

    /// <summary>Former options declared withdrawn so far (no longer method options).</summary>
    public IReadOnlyCollection<string> Withdrawn => _withdrawn;

    /// <summary>
    /// Declares that option <paramref name="key"/> was called <paramref name="formerKey"/>: given under the former name it
    /// is refused with the new one; a saved run's record reads it under the new name (<c>RunFolderMigrations</c>).
    /// </summary>
    public void FormerName(string formerKey, string key)
    {
        _formerNames[formerKey] = key;
        if (_values.TryGetValue(formerKey, out string? value))
            throw new ArgumentException($"Method option {formerKey} is now called {key}: give {key}={value}.");
    }

    /// <summary>
    /// Declares that option <paramref name="formerKey"/> is no longer a method option; given, it is refused with
    /// <paramref name="instead"/> (what to use now); a saved run's record drops it.
    /// </summary>
    public void Withdraw(string formerKey, string instead)
    {
        _withdrawn.Add(formerKey);
        if (_values.ContainsKey(formerKey)) throw new ArgumentException($"Method option {formerKey} is no longer a method option: {instead}");
    }

    /// <summary>Throws when a key was given that the method did not read.</summary>
    public void RejectUnknown(string method)
    {
        string[] unknown = _values.Keys.Where(k => _declared.All(o => o.Key != k)).ToArray();
        if (unknown.Length == 0) return;
        string valid = _declared.Count == 0 ? "none" : string.Join(", ", _declared.Select(o => o.Key).Order());
        throw new ArgumentException($"Method '{method}' has no option {string.Join(", ", unknown)}. Valid options: {valid}.");
    }

    // Records the option and returns the given value, else the preset, else null (the caller's fallback).
    private string? Read(string key, string fallback, string valid, string description)
    {
        _presets.TryGetValue(key, out string? preset);
        _declared.Add(new MethodOption(key, preset ?? fallback, valid, description));
        return _values.TryGetValue(key, out string? text) ? text : preset;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> ParsePairs(IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"Method option '{pair}' is not of the form key=value.");
            values[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return values;
    }
}
