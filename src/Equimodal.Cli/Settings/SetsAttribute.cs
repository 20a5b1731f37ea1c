using System.Reflection;

namespace Equimodal.Cli.Settings;

/// <summary>
/// The property of a library option record that a flag sets, for a flag whose default is its command's own (the demo's
/// smaller size) rather than the record's (<see cref="DefaultFromAttribute"/>): the library's errors that name the
/// property then name the flag instead (<see cref="SettingFlags"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SetsAttribute : Attribute
{
    /// <summary>The flag sets <paramref name="property"/> of <paramref name="record"/>.</summary>
    public SetsAttribute(Type record, string property)
    {
        Record = record;
        Property = record.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new ArgumentException($"{record.Name} has no property {property}.");
    }

    /// <summary>The option record.</summary>
    public Type Record { get; }

    /// <summary>Its property the flag sets.</summary>
    public PropertyInfo Property { get; }
}
