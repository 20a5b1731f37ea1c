using System.Reflection;
using Equimodal.Training;

namespace Equimodal.Methods;

/// <summary>
/// Finds training methods by name. Every class with a <see cref="MethodAttribute"/> is registered, so adding a method
/// means adding one file; "NAME-only" gives the unimodal model of any modality NAME.
/// </summary>
public static class MethodRegistry
{
    /// <summary>Every registered method, by name (the unimodal "NAME-only" pattern is not among them).</summary>
    public static IReadOnlyList<MethodAttribute> Methods => MethodRegistrations.All;

    /// <summary>Valid names for error messages and --help.</summary>
    public static string ValidNames => string.Join(", ", MethodRegistrations.ByName.Keys.Order(StringComparer.Ordinal).Append("NAME-only (e.g. audio-only)"));

    /// <summary>Whether <paramref name="name"/> is a method name: a registered method or the unimodal "NAME-only" pattern.</summary>
    public static bool IsKnown(string name) => MethodRegistrations.ByName.ContainsKey(name) || IsUnimodal(name);

    /// <summary>Throws a clear error when <paramref name="name"/> is not a method name (modalities are checked at training time).</summary>
    public static void Validate(string name)
    {
        if (!IsKnown(name)) throw new ArgumentException($"Unknown method '{name}'. Valid methods: {ValidNames}.");
    }

    /// <summary>Creates the method <paramref name="name"/> with its options (the registration's presets as defaults).</summary>
    public static TrainingMethod Create(string name, MethodSettings? settings = null) => Create(name, settings ?? new MethodSettings(), out _);

    /// <summary>
    /// Every option method <paramref name="name"/> reads, with the value it uses given <paramref name="options"/> (the given
    /// value, else the default for this name); what config.json records.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ResolvedOptions(string name, IReadOnlyDictionary<string, string> options)
    {
        Create(name, new MethodSettings(options), out MethodSettings read);
        return read.Resolved;
    }

    /// <summary>
    /// Options recorded by a run folder under the names method <paramref name="name"/> had then, read under today's names
    /// (<see cref="MethodSettings.FormerName"/>); withdrawn options (<see cref="MethodSettings.Withdraw"/>) are dropped.
    /// </summary>
    public static IReadOnlyDictionary<string, string> UnderCurrentNames(string name, IReadOnlyDictionary<string, string> recorded)
    {
        if (!IsKnown(name)) return recorded;
        MethodSettings declared = Declarations(name);
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in recorded)
        {
            if (declared.Withdrawn.Contains(key)) continue;
            string currentKey = declared.FormerNames.GetValueOrDefault(key, key);
            if (!recorded.ContainsKey(currentKey) || currentKey == key) current[currentKey] = value;
        }
        return current;
    }

    /// <summary>Whether <paramref name="key"/> is a former option of method <paramref name="name"/> (renamed or withdrawn), which the method refuses saying what to give instead.</summary>
    public static bool IsFormerOption(string name, string key)
    {
        MethodSettings declared = Declarations(name);
        return declared.FormerNames.ContainsKey(key) || declared.Withdrawn.Contains(key);
    }

    /// <summary>The options of method <paramref name="name"/>, with their defaults for this name.</summary>
    public static IReadOnlyList<MethodOption> Options(string name) => Declarations(name).Declared;

    // What method name declares (options, former names) when given no option.
    private static MethodSettings Declarations(string name)
    {
        Create(name, new MethodSettings(), out MethodSettings read);
        return read;
    }

    private static TrainingMethod Create(string name, MethodSettings settings, out MethodSettings read)
    {
        Validate(name);
        if (IsUnimodal(name) && !MethodRegistrations.ByName.ContainsKey(name))
        {
            read = settings;
            return new UnimodalMethod(name[..^UnimodalMethod.Suffix.Length], settings);
        }
        var (type, registration) = MethodRegistrations.ByName[name];
        read = settings.WithPresets(registration.Presets);
        TrainingMethod method;
        try
        {
            method = (TrainingMethod)Activator.CreateInstance(type, read)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        read.RejectUnknown(name);
        method.Registration = registration;
        return method;
    }

    private static bool IsUnimodal(string name) => name.EndsWith(UnimodalMethod.Suffix, StringComparison.Ordinal) && name.Length > UnimodalMethod.Suffix.Length;
}
