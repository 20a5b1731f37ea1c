using System.Reflection;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>The flags of a settings class, found by reflection over its <see cref="CommandOptionAttribute"/>s (inherited ones included).</summary>
public static class CommandOptions
{
    /// <summary>Every long flag of <paramref name="settingsType"/>.</summary>
    public static IReadOnlyList<CommandOption> Of(Type settingsType) =>
        settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .SelectMany(p => p.GetCustomAttribute<CommandOptionAttribute>()?.LongNames.Select(n => new CommandOption(n, p)) ?? Enumerable.Empty<CommandOption>())
            .ToArray();

    /// <summary>The valid flag closest to <paramref name="name"/> (edit distance), or null when none is close.</summary>
    public static string? Closest(Type settingsType, string name)
    {
        var best = Of(settingsType).Select(o => (o.Flag, Distance: EditDistance(o.Name, name)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Flag, StringComparer.Ordinal).FirstOrDefault();
        // Beyond half the name's length the "closest" flag is a guess that misleads more than it helps.
        return best.Flag is not null && best.Distance <= Math.Max(2, name.Length / 2) ? best.Flag : null;
    }

    /// <summary>Levenshtein distance (insertions, deletions and substitutions each cost 1).</summary>
    public static int EditDistance(string a, string b)
    {
        int[] previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int[] current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
