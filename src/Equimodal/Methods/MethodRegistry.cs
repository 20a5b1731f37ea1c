using System.Reflection;
using Equimodal.Data;
using Equimodal.Training;

namespace Equimodal.Methods;

/// <summary>Marks a <see cref="TrainingMethod"/> for the registry; the class needs a constructor taking <see cref="MethodSettings"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class MethodAttribute : Attribute
{
    /// <summary>Registers a method name.</summary>
    public MethodAttribute(string name, string summary)
    {
        Name = name;
        Summary = summary;
    }

    /// <summary>Name used on the command line.</summary>
    public string Name { get; }

    /// <summary>One-line description for --help and reports.</summary>
    public string Summary { get; }
}

/// <summary>
/// Finds training methods by name. Every class with a <see cref="MethodAttribute"/> is registered, so adding a method
/// means adding one file; "NAME-only" gives the unimodal model of any modality NAME.
/// </summary>
public static class MethodRegistry
{
    private static readonly Lazy<IReadOnlyDictionary<string, (Type Type, string Summary)>> Registered = new(() =>
        typeof(MethodRegistry).Assembly.GetTypes()
            .Where(t => typeof(TrainingMethod).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetCustomAttributes<MethodAttribute>().Select(a => (a.Name, t, a.Summary)))
            .ToDictionary(x => x.Name, x => (x.t, x.Summary)));

    /// <summary>Registered multimodal method names with their summaries, plus the unimodal pattern.</summary>
    public static IReadOnlyDictionary<string, string> Describe() =>
        Registered.Value.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => kv.Value.Summary)
            .Append(new KeyValuePair<string, string>("NAME" + UnimodalMethod.Suffix, "A single-modality model of modality NAME (e.g. audio-only, visual-only)."))
            .ToDictionary();

    /// <summary>Valid names for error messages and --help.</summary>
    public static string ValidNames => string.Join(", ", Registered.Value.Keys.Order().Append("audio-only").Append("visual-only").Append("NAME-only"));

    /// <summary>Throws a clear error when <paramref name="name"/> is not a method name (modalities are checked at training time).</summary>
    public static void Validate(string name)
    {
        if (!Registered.Value.ContainsKey(name) && !IsUnimodal(name))
            throw new ArgumentException($"Unknown method '{name}'. Valid methods: {ValidNames}.");
    }

    /// <summary>Creates the method <paramref name="name"/> with its options.</summary>
    public static TrainingMethod Create(string name, MethodSettings? settings = null)
    {
        Validate(name);
        settings ??= new MethodSettings();
        if (IsUnimodal(name) && !Registered.Value.ContainsKey(name)) return new UnimodalMethod(name[..^UnimodalMethod.Suffix.Length], settings);
        Type type = Registered.Value[name].Type;
        try
        {
            ConstructorInfo? withName = type.GetConstructor(new[] { typeof(string), typeof(MethodSettings) });
            return withName is not null
                ? (TrainingMethod)withName.Invoke(new object[] { name, settings })
                : (TrainingMethod)Activator.CreateInstance(type, settings)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>Modality names a method will read from a dataset with <paramref name="modalities"/>.</summary>
    public static IReadOnlyList<string> ModalitiesOf(TrainingMethod method, IReadOnlyList<ModalitySpec> modalities) =>
        method.SelectModalities(modalities).Select(i => modalities[i].Name).ToArray();

    private static bool IsUnimodal(string name) => name.EndsWith(UnimodalMethod.Suffix, StringComparison.Ordinal) && name.Length > UnimodalMethod.Suffix.Length;
}
