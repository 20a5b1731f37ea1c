using System.Text.Json.Nodes;
using Equimodal.Data;
using Equimodal.Methods;

namespace Equimodal.Experiments;

/// <summary>
/// Turns the files of older run folders into today's reading, one step per format version, so that the types that read
/// them know only the current format. config.json carries <c>formatVersion</c> (a file without it is version 0), and so
/// does preprocessing.json (whose older files call it <c>version</c>). A change of format appends a step here (which
/// raises the current version); nothing else keeps history.
/// </summary>
public static class RunFolderMigrations
{
    private const string VersionKey = "formatVersion";

    // Step i turns a config.json of version i into version i + 1.
    private static readonly Action<JsonObject>[] ConfigSteps =
    {
        // 0 -> 1: config.json recorded only the method options given on the command line until it recorded every
        // option's value; attr-reg's unimodal weight defaulted to 0 then (1 since).
        config =>
        {
            if (Text(config["method"]) != "attr-reg") return;
            JsonObject options = ObjectAt(config, "methodOptions");
            if (!options.ContainsKey("unimodal")) options["unimodal"] = "0";
        },
        // 1 -> 2: attr-reg's options were renamed to say what they set (unimodal -> unimodal-weight, ...); the method
        // declares each former name, which the command line refuses naming the new one. Its diagnostics=on became the
        // training option modalityUse, which any method can turn on.
        config =>
        {
            if (Text(config["method"]) is not { } method || config["methodOptions"] is not JsonObject options) return;
            if (options.Any(p => Text(p.Value) is null)) return; // refused where the record is read, naming the file
            if (Text(options["diagnostics"]) == "on") ObjectAt(config, "training")["modalityUse"] = true;
            var recorded = options.ToDictionary(p => p.Key, p => Text(p.Value)!, StringComparer.Ordinal);
            config["methodOptions"] = new JsonObject(MethodRegistry.UnderCurrentNames(method, recorded)
                .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
        },
    };

    // Step i turns a preprocessing.json of version i + 1 into version i + 2 (the first version is 1).
    private static readonly Action<JsonObject, JsonObject>[] PreprocessingSteps =
    {
        // 1 -> 2: AV-Digits' occlusion and noise were read from config.json's avDigits settings (the blur was recorded).
        (preprocessing, config) =>
        {
            if (config["dataset"] is not JsonObject dataset || Text(dataset["name"]) != "avdigits" || dataset["avDigits"] is not JsonObject digits) return;
            foreach (JsonObject input in (preprocessing["inputs"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                string? modality = Text(input["modality"]);
                if (modality == "audio") input["noiseSnrDb"] = digits["audioSnrDb"]?.DeepClone();
                if (modality == "visual") input["occlusion"] = digits["imageOcclusion"]?.DeepClone() ?? 0.0;
            }
        },
    };

    /// <summary>The format version of config.json this version of Equimodal writes.</summary>
    public static int ConfigFormatVersion => ConfigSteps.Length;

    /// <summary>
    /// <paramref name="config"/> (a config.json read from <paramref name="path"/>) in today's format, changed in place
    /// and returned. A file of a newer format than this version reads is refused.
    /// </summary>
    public static JsonObject MigrateConfig(JsonObject config, string path)
    {
        int version = VersionOf(config, VersionKey, 0, ConfigFormatVersion, path);
        for (; version < ConfigFormatVersion; version++) ConfigSteps[version](config);
        config[VersionKey] = version;
        return config;
    }

    /// <summary>
    /// <paramref name="preprocessing"/> (a preprocessing.json read from <paramref name="path"/>) in today's format,
    /// completed from the run's <paramref name="config"/> (already migrated) where older formats left a setting there.
    /// </summary>
    public static JsonObject MigratePreprocessing(JsonObject preprocessing, JsonObject config, string path)
    {
        int version = preprocessing.ContainsKey(VersionKey)
            ? VersionOf(preprocessing, VersionKey, 1, DatasetPreprocessing.CurrentFormatVersion, path)
            : VersionOf(preprocessing, "version", 1, DatasetPreprocessing.CurrentFormatVersion, path);
        preprocessing.Remove("version");
        for (; version < DatasetPreprocessing.CurrentFormatVersion; version++) PreprocessingSteps[version - 1](preprocessing, config);
        preprocessing[VersionKey] = version;
        return preprocessing;
    }

    private static int VersionOf(JsonObject file, string key, int absent, int current, string path)
    {
        if (!file.TryGetPropertyValue(key, out JsonNode? node) || node is null) return absent;
        if (node is not JsonValue value || !value.TryGetValue(out int version) || version < absent)
            throw new InvalidDataException($"{path}: '{key}' is {node.ToJsonString()}, not a format version. The file was edited or damaged: restore it, or train the run again.");
        if (version > current)
            throw new InvalidDataException($"{path} has format version {version}, written by a newer Equimodal; this version reads up to {current}. Update Equimodal to read it.");
        return version;
    }

    // A string value, or null for anything else (a hand-edited file fails later, where its record is read).
    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static JsonObject ObjectAt(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject found) return found;
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }
}
