using System.Text.Json;
using System.Text.Json.Serialization;

namespace Equimodal.Data;

/// <summary>
/// The JSON settings of every file Equimodal writes: camelCase, indented, and an undefined number (NaN, e.g. the AUC
/// of a class without test samples) written as <c>null</c>, which every JSON reader accepts; <c>null</c> (and the
/// string "NaN" of older files) reads back as NaN. Infinities keep their named form ("-Infinity": a checkpoint's best
/// accuracy before the first epoch) so that they round-trip exactly.
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

    /// <summary>Writes NaN as null and reads null as NaN; other numbers as System.Text.Json does.</summary>
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
            if (double.IsNaN(value)) writer.WriteNullValue();
            else if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
