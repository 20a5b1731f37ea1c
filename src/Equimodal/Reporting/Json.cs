using System.Text.Json;
using System.Text.Json.Serialization;

namespace Equimodal.Reporting;

/// <summary>
/// The JSON settings of every file Equimodal writes: camelCase, indented, and an undefined number (NaN or infinity,
/// e.g. the AUC of a class without test samples) written as <c>null</c>, which every JSON reader accepts; <c>null</c>
/// (and the strings "NaN", "Infinity" of older files) read back as NaN or infinity.
/// </summary>
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
        Converters = { new JsonStringEnumConverter(), new NonFiniteAsNull() },
    };

    /// <summary>Writes a non-finite double as null; reads null as NaN.</summary>
    private sealed class NonFiniteAsNull : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => double.NaN,
            JsonTokenType.String => double.Parse(reader.GetString()!, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture),
            _ => reader.GetDouble(),
        };

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}
