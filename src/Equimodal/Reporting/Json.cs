using System.Text.Json;
using System.Text.Json.Serialization;

namespace Equimodal.Reporting;

/// <summary>The JSON settings of every file Equimodal writes: camelCase, indented, NaN allowed (undefined metrics).</summary>
public static class Json
{
    /// <summary>Indented options for whole files.</summary>
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    /// <summary>Single-line options for JSON Lines.</summary>
    public static readonly JsonSerializerOptions Line = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        WriteIndented = indented,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };
}
