using System.Reflection;

namespace Equimodal.Training;

/// <summary>
/// Every <see cref="MethodAttribute"/> in the library with the class it registers: what the method registry creates
/// from and what <see cref="RunPlan"/> names when a method is refused for a task.
/// </summary>
internal static class MethodRegistrations
{
    private static readonly Lazy<IReadOnlyDictionary<string, (Type Type, MethodAttribute Registration)>> Registered = new(() =>
        typeof(TrainingMethod).Assembly.GetTypes()
            .Where(t => typeof(TrainingMethod).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetCustomAttributes<MethodAttribute>().Select(a => (t, a)))
            .ToDictionary(x => x.a.Name, x => (x.t, x.a), StringComparer.Ordinal));

    /// <summary>Each registered name with its class and registration.</summary>
    public static IReadOnlyDictionary<string, (Type Type, MethodAttribute Registration)> ByName => Registered.Value;

    /// <summary>Every registration, ordered by name.</summary>
    public static IReadOnlyList<MethodAttribute> All => ByName.Values.Select(v => v.Registration).OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();
}
