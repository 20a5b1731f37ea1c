using Equimodal.Cli.Commands;

namespace Equimodal.Cli.Settings;

/// <summary>
/// The flags that were renamed, in one place: a former name, on the command line or as a key of a config file, gives an
/// error that names the flag it became instead of a guess. A rename adds a line here.
/// </summary>
public static class RenamedFlags
{
    private static readonly (Type Settings, string Former, string Current)[] Renames =
    {
        (typeof(ExplainCommand.Settings), "samples", "count"),
        (typeof(ExplainCommand.Settings), "method", "attribution"),
    };

    /// <summary>The flag (e.g. "--count") that <paramref name="former"/> (a long name without dashes) of <paramref name="settings"/> became, or null.</summary>
    public static string? Current(Type settings, string former) =>
        Renames.Where(r => r.Settings.IsAssignableFrom(settings) && r.Former == former).Select(r => "--" + r.Current).FirstOrDefault();
}
