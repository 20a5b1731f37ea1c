using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Equimodal.Cli.Settings;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>
/// A JSON file of command options: keys are the long flag names without dashes ("epochs", "lr", "method-option"),
/// so every flag of a command can be given in the file. Flags given on the command line win over the file. Unknown
/// keys and values of the wrong type are rejected naming the key; ranges are then checked by the command's validation.
/// </summary>
public static class ConfigFile
{
    // Flags about where options come from, not options of the run.
    private static readonly string[] NotInFiles = { "config", "resume" };

    /// <summary>Copies the values of <paramref name="path"/> into <paramref name="settings"/> except flags present in <paramref name="arguments"/>.</summary>
    public static void Apply(CommandSettings settings, string path, IReadOnlyList<string> arguments)
    {
        if (!File.Exists(path)) throw new ArgumentException($"Config file {path} does not exist.");
        var options = OptionsOf(settings.GetType());
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path} is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{path} must hold one JSON object of option names and values.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty entry in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(entry.Name)) throw new ArgumentException($"{path}: key '{entry.Name}' appears twice; give each option once.");
                if (!options.TryGetValue(entry.Name, out PropertyInfo? property) && RenamedFlags.Current(settings.GetType(), entry.Name) is { } renamed)
                    throw new ArgumentException($"{path}: key '{entry.Name}' is now '{renamed[2..]}'; rename it.");
                if (property is null)
                    throw new ArgumentException($"{path}: unknown key '{entry.Name}'. Valid keys: {string.Join(", ", options.Keys.Order(StringComparer.Ordinal))}.");
                string flag = "--" + entry.Name;
                if (arguments.Any(a => a == flag || a.StartsWith(flag + "=", StringComparison.Ordinal))) continue;
                property.SetValue(settings, Convert(entry, property.PropertyType, path));
            }
        }
    }

    /// <summary>The keys a config file may hold for <paramref name="settingsType"/> (long flag names without dashes).</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> OptionsOf(Type settingsType) =>
        CommandOptions.Of(settingsType).Where(o => !NotInFiles.Contains(o.Name)).ToDictionary(o => o.Name, o => o.Property, StringComparer.Ordinal);

    private static object? Convert(JsonProperty entry, Type type, string path)
    {
        JsonElement value = entry.Value;
        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (value.ValueKind == JsonValueKind.Null && (Nullable.GetUnderlyingType(type) is not null || !type.IsValueType)) return null;
        if (target == typeof(int) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int integer)) return integer;
        if (target == typeof(double) && value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        if (target == typeof(bool) && value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        if (target == typeof(string) && value.ValueKind == JsonValueKind.String) return value.GetString();
        if (target.IsEnum && value.ValueKind == JsonValueKind.String && Enum.TryParse(target, value.GetString(), ignoreCase: true, out object? choice)
            && Enum.IsDefined(target, choice)) return choice;
        if (target == typeof(string[]) && value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"{path}: key '{entry.Name}' must be {Describe(target)}, got {value.GetRawText()}."));
    }

    private static string Describe(Type type) =>
        type == typeof(int) ? "an integer" :
        type == typeof(double) ? "a number" :
        type == typeof(bool) ? "true or false" :
        type == typeof(string[]) ? "an array of strings" :
        type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())) : "a string";
}
