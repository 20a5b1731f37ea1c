using System.Reflection;

namespace Equimodal.Cli.Settings;

/// <summary>One long flag of a command: its name without dashes and the settings property it sets.</summary>
/// <param name="Name">Long name without the leading dashes, e.g. "epochs".</param>
/// <param name="Property">The settings property.</param>
public sealed record CommandOption(string Name, PropertyInfo Property)
{
    /// <summary>The flag as typed, e.g. "--epochs".</summary>
    public string Flag => "--" + Name;

    /// <summary>The property type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;

    /// <summary>True for a flag that takes no value (a bool switch).</summary>
    public bool IsSwitch => ValueType == typeof(bool);
}
