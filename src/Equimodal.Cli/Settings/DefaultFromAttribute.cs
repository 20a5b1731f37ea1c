using System.ComponentModel;
using System.Reflection;

namespace Equimodal.Cli.Settings;

/// <summary>
/// The default of a flag, read from a property of a library option record (e.g. <c>TrainingOptions.Epochs</c>), so
/// each default lives in one place: the record. Spectre.Console.Cli applies it when the flag is absent and shows it in --help.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultFromAttribute : DefaultValueAttribute
{
    /// <summary>The default of the flag is the default of <paramref name="property"/> of a new <paramref name="record"/>.</summary>
    public DefaultFromAttribute(Type record, string property) : base((object?)null)
    {
        Record = record;
        Property = record.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new ArgumentException($"{record.Name} has no property {property}.");
    }

    /// <summary>The option record.</summary>
    public Type Record { get; }

    /// <summary>Its property holding the default.</summary>
    public PropertyInfo Property { get; }

    /// <inheritdoc />
    public override object? Value => Property.GetValue(Activator.CreateInstance(Record));
}
