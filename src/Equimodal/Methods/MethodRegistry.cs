using System.Reflection;
using Equimodal.Data;
using Equimodal.Tasks;
using Equimodal.Training;

namespace Equimodal.Methods;

/// <summary>
/// Registers a <see cref="TrainingMethod"/> under a name, with what it needs: the class needs a constructor taking
/// <see cref="MethodSettings"/>. Several attributes on one class register variants, which differ only by data: the
/// option values they preset (e.g. "ogm" is "ogm-ge" with noise=off).
/// </summary>
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

    /// <summary>Option defaults this registration replaces, as "key=value" (a variant of the same class).</summary>
    public string[] Presets { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Defaults this registration had before they changed, as "key=value": what a run folder whose config.json predates
    /// recorded option values (see <see cref="MethodRegistry.RecordedOptions"/>) was trained with.
    /// </summary>
    public string[] FormerDefaults { get; set; } = Array.Empty<string>();

    /// <summary>Fewest modalities the method is defined for.</summary>
    public int MinModalities { get; set; } = 1;

    /// <summary>Most modalities the method is defined for (int.MaxValue: any number).</summary>
    public int MaxModalities { get; set; } = int.MaxValue;

    /// <summary>The fusion head the method trains whatever --fusion says (null: the user's choice).</summary>
    public string? Fusion { get; set; }

    /// <summary>The fusion heads the method works with when it does not choose one (empty: any).</summary>
    public string[] Fusions { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The tasks the method is defined for (default: classification only, for methods whose definition needs class
    /// probabilities); a method that needs only the task's loss declares every task.
    /// </summary>
    public TaskKind[] Tasks { get; set; } = { TaskKind.Classification };

    /// <summary>The tasks in words, e.g. "classification, multilabel, regression".</summary>
    public string TaskNames => string.Join(", ", Tasks.Select(PredictionTask.NameOf));

    /// <summary>The requirements in words, e.g. "2 modalities; fusion: concat|sum".</summary>
    public string Requirements
    {
        get
        {
            string modalities = MaxModalities == int.MaxValue ? $"{MinModalities}+ modalities"
                : MinModalities == MaxModalities ? $"{MinModalities} modalities" : $"{MinModalities}-{MaxModalities} modalities";
            string fusion = Fusion is not null ? $"; trains the {Fusion} fusion head" : Fusions.Length > 0 ? $"; fusion: {string.Join("|", Fusions)}" : "";
            return modalities + fusion;
        }
    }
}

/// <summary>
/// Finds training methods by name. Every class with a <see cref="MethodAttribute"/> is registered, so adding a method
/// means adding one file; "NAME-only" gives the unimodal model of any modality NAME.
/// </summary>
public static class MethodRegistry
{
    private static readonly Lazy<IReadOnlyDictionary<string, (Type Type, MethodAttribute Registration)>> Registered = new(() =>
        typeof(MethodRegistry).Assembly.GetTypes()
            .Where(t => typeof(TrainingMethod).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetCustomAttributes<MethodAttribute>().Select(a => (t, a)))
            .ToDictionary(x => x.a.Name, x => (x.t, x.a), StringComparer.Ordinal));

    /// <summary>Every registered method, by name (the unimodal "NAME-only" pattern is not among them).</summary>
    public static IReadOnlyList<MethodAttribute> Methods => Registered.Value.Values.Select(v => v.Registration).OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();

    /// <summary>Valid names for error messages and --help.</summary>
    public static string ValidNames => string.Join(", ", Registered.Value.Keys.Order(StringComparer.Ordinal).Append("NAME-only (e.g. audio-only)"));

    /// <summary>Whether <paramref name="name"/> is a method name: a registered method or the unimodal "NAME-only" pattern.</summary>
    public static bool IsKnown(string name) => Registered.Value.ContainsKey(name) || IsUnimodal(name);

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
    /// The options a run folder's config.json records for method <paramref name="name"/>, completed for folders written
    /// before config.json recorded every option's value: when an option the method reads is missing, the record is such
    /// a folder's, and the registration's <see cref="MethodAttribute.FormerDefaults"/> fill the missing options (the
    /// values the run was trained with); the others take today's defaults, which did not change.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RecordedOptions(string name, IReadOnlyDictionary<string, string> recorded)
    {
        if (!Registered.Value.TryGetValue(name, out var registered)) return recorded;
        IReadOnlyDictionary<string, string> read = ResolvedOptions(name, recorded);
        var completed = new Dictionary<string, string>(recorded, StringComparer.Ordinal);
        foreach (var (key, value) in MethodSettings.Parse(registered.Registration.FormerDefaults).Values)
        {
            if (read.ContainsKey(key) && !recorded.ContainsKey(key)) completed[key] = value;
        }
        return completed;
    }

    /// <summary>The options of method <paramref name="name"/>, with their defaults for this name.</summary>
    public static IReadOnlyList<MethodOption> Options(string name)
    {
        Create(name, new MethodSettings(), out MethodSettings read);
        return read.Declared;
    }

    /// <summary>
    /// Throws a clear error when <paramref name="method"/> is not defined for <paramref name="modalities"/> or the fusion
    /// head <paramref name="fusion"/> (the one it will train, after <see cref="TrainingMethod.ConfigureModel"/>).
    /// </summary>
    public static void CheckRequirements(TrainingMethod method, IReadOnlyList<string> modalities, string fusion)
    {
        MethodAttribute? registration = method.Registration;
        if (registration is null) return;
        if (modalities.Count < registration.MinModalities || modalities.Count > registration.MaxModalities)
            throw new ArgumentException($"Method '{registration.Name}' is defined for {registration.Requirements.Split(';')[0]}; " +
                $"this model reads {modalities.Count} ({string.Join(", ", modalities)}).");
        if (registration.Fusions.Length > 0 && !registration.Fusions.Contains(fusion))
            throw new ArgumentException($"Method '{registration.Name}' needs a fusion head whose logits are the sum of the modalities' own ({string.Join(", ", registration.Fusions)}), not '{fusion}'.");
    }

    /// <summary>
    /// Throws a clear error, before anything is trained, when <paramref name="method"/> is not defined for
    /// <paramref name="task"/>, naming the methods that are. Unimodal models ("NAME-only") train every task.
    /// </summary>
    public static void CheckTask(TrainingMethod method, TaskKind task)
    {
        MethodAttribute? registration = method.Registration;
        if (registration is null || registration.Tasks.Contains(task)) return;
        string supporting = string.Join(", ", Methods.Where(m => m.Tasks.Contains(task)).Select(m => m.Name).Append("NAME-only"));
        throw new ArgumentException($"Method '{registration.Name}' is defined for {registration.TaskNames}, not the {PredictionTask.NameOf(task)} task "
            + $"(docs/tasks.md says why). Methods that train {PredictionTask.NameOf(task)}: {supporting}.");
    }

    private static TrainingMethod Create(string name, MethodSettings settings, out MethodSettings read)
    {
        Validate(name);
        if (IsUnimodal(name) && !Registered.Value.ContainsKey(name))
        {
            read = settings;
            return new UnimodalMethod(name[..^UnimodalMethod.Suffix.Length], settings);
        }
        var (type, registration) = Registered.Value[name];
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
