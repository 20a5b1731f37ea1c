using System.Reflection;
using System.Text.Json;
using Equimodal.Experiments;

namespace Equimodal.Cli.Settings;

/// <summary>
/// Names a setting of a recorded configuration (a config.json path such as "training.learningRate") or of a library
/// record ("TrainingOptions.LearningRate") by the flag that sets it ("--lr"), from the flags' <see cref="DefaultFromAttribute"/>
/// or <see cref="SetsAttribute"/>:
/// messages about differing configurations and the library's errors then speak the command line's language.
/// </summary>
public static class SettingFlags
{
    /// <summary>A function from a config.json path (optionally under a "configuration." prefix) to the flag of <paramref name="settings"/> that sets it, or the path itself.</summary>
    public static Func<string, string> Of(Type settings)
    {
        Dictionary<Type, string> paths = RecordPaths(typeof(RunConfig), "", new Dictionary<Type, string>());
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (CommandOption option in CommandOptions.Of(settings))
        {
            if (Target(option.Property) is { } target && paths.TryGetValue(target.Record, out string? prefix))
                flags.TryAdd(Join(prefix, JsonNamingPolicy.CamelCase.ConvertName(target.Property.Name)), option.Flag);
        }
        const string nested = "configuration.";
        return path => flags.TryGetValue(path.StartsWith(nested, StringComparison.Ordinal) ? path[nested.Length..] : path, out string? flag) ? flag : path;
    }

    /// <summary>
    /// <paramref name="message"/> (a library error) with every option property it names as "Record.Property" (e.g.
    /// "TrainingOptions.LearningRate") replaced by the flag of <paramref name="settings"/> that sets it ("--lr").
    /// </summary>
    public static string InFlagTerms(Type settings, string message)
    {
        foreach (CommandOption option in CommandOptions.Of(settings))
        {
            if (Target(option.Property) is { } target)
                message = message.Replace($"{target.Record.Name}.{target.Property.Name}", option.Flag, StringComparison.Ordinal);
        }
        return message;
    }

    // The record property a flag sets: the one it takes its default from, or the one it names while keeping a default of its own.
    private static (Type Record, PropertyInfo Property)? Target(PropertyInfo flag) =>
        flag.GetCustomAttribute<DefaultFromAttribute>() is { } from ? (from.Record, from.Property)
        : flag.GetCustomAttribute<SetsAttribute>() is { } sets ? (sets.Record, sets.Property)
        : null;

    // The config.json path of every option record reachable from the run configuration (the first place it appears).
    private static Dictionary<Type, string> RecordPaths(Type record, string path, Dictionary<Type, string> found)
    {
        if (!found.TryAdd(record, path)) return found;
        foreach (PropertyInfo property in record.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Equimodal", StringComparison.Ordinal) == true)
                RecordPaths(type, Join(path, JsonNamingPolicy.CamelCase.ConvertName(property.Name)), found);
        }
        return found;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
}
