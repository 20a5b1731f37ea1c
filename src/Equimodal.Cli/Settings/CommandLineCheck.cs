using System.Globalization;
using System.Reflection;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>
/// Checks a command line against the command's settings class before Spectre.Console.Cli parses it, so that an
/// unknown flag is named with the closest valid one, a value of the wrong type names its flag, and an empty path is
/// refused. Everything else (missing values, ranges) is left to the parser and the settings' validation.
/// </summary>
public static class CommandLineCheck
{
    // Value names of flags that take a file or folder: an empty string there is never meant.
    private static readonly string[] PathValues = { "DIR", "FILE", "PATH", "RUN_DIR" };

    /// <summary>The first problem of <paramref name="args"/>, or null; <paramref name="commands"/> maps command names to command types.</summary>
    public static string? FindProblem(IReadOnlyList<string> args, IReadOnlyDictionary<string, Type> commands)
    {
        if (args.Count == 0 || !commands.TryGetValue(args[0], out Type? command)) return null;
        Type settings = SettingsTypeOf(command);
        var options = CommandOptions.Of(settings).ToDictionary(o => o.Name, StringComparer.Ordinal);
        var given = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Count; i++)
        {
            string token = args[i];
            if (token == "--") break;
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2) continue;
            int eq = token.IndexOf('=');
            string name = eq < 0 ? token[2..] : token[2..eq];
            if (name == "help") return null;
            if (!options.TryGetValue(name, out CommandOption? option)) return Unknown(args[0], settings, name);
            // A repeated flag would silently keep its last value; only list flags (arrays) are repeatable.
            if (!option.Property.PropertyType.IsArray && !given.Add(name)) return $"{option.Flag} is given twice; give it once.";
            if (option.IsSwitch)
            {
                string? flagValue = eq >= 0 ? token[(eq + 1)..] : HasValueName(option) && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[i + 1] : null;
                if (flagValue is not null && !bool.TryParse(flagValue, out _)) return $"{option.Flag} expects true or false, got '{flagValue}'.";
                continue;
            }
            string? value = eq >= 0 ? token[(eq + 1)..] : i + 1 < args.Count ? args[++i] : null;
            if (value is null) continue;
            string? problem = ValueProblem(option, value);
            if (problem is not null) return problem;
        }
        return null;
    }

    /// <summary>The settings type of a command type (the type argument of its <c>Command&lt;TSettings&gt;</c> base).</summary>
    public static Type SettingsTypeOf(Type command)
    {
        for (Type? type = command; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Command<>)) return type.GetGenericArguments()[0];
        }
        throw new ArgumentException($"{command.Name} is not a Command<TSettings>.");
    }

    private static string Unknown(string command, Type settings, string name)
    {
        if (RenamedFlags.Current(settings, name) is { } renamed) return $"'{command}' has no option --{name} any more: it is now {renamed}.";
        string? closest = CommandOptions.Closest(settings, name);
        return $"'{command}' has no option --{name}." + (closest is null ? "" : $" Did you mean {closest}?") + $" See 'equimodal {command} --help'.";
    }

    private static bool HasValueName(CommandOption option) => option.Property.GetCustomAttribute<CommandOptionAttribute>()?.ValueName is not null;

    private static string? ValueProblem(CommandOption option, string value)
    {
        Type type = option.ValueType;
        if (type == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            return $"{option.Flag} expects an integer, got '{value}'.";
        if (type == typeof(double))
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return $"{option.Flag} expects a number, got '{value}'.";
            // Checked here as well as in CheckedSettings: the parser would take "-Infinity" for a flag and lose the name.
            if (!double.IsFinite(number)) return $"{option.Flag} must be a finite number, got {value}.";
        }
        if (type.IsEnum && !Enum.GetNames(type).Any(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)))
            return $"{option.Flag} must be one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}, got '{value}'.";
        string? valueName = option.Property.GetCustomAttribute<CommandOptionAttribute>()?.ValueName?.Trim('<', '>', '[', ']');
        if (string.IsNullOrWhiteSpace(value) && valueName is not null && PathValues.Contains(valueName))
            return $"{option.Flag} needs a path, got an empty string.";
        return null;
    }
}
