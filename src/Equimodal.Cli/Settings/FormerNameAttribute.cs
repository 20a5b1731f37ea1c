namespace Equimodal.Cli.Settings;

/// <summary>A name the flag had before; using it gives an error that names the new flag instead of a guess.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class FormerNameAttribute : Attribute
{
    /// <summary>The flag was called <paramref name="name"/> (without dashes) before.</summary>
    public FormerNameAttribute(string name) => Name = name;

    /// <summary>The old long name without dashes.</summary>
    public string Name { get; }
}
