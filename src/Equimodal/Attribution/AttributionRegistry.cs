
namespace Equimodal.Attribution;

/// <summary>
/// Every attribution method, in one place: what `explain --attribution` and attr-reg's attribution option choose from,
/// with the options each accepts and the bounds of those options.
/// </summary>
public static class AttributionRegistry
{
    /// <summary>Most Integrated Gradients steps: Gauss-Legendre converges long before this, and each step is a forward and a backward pass per sample.</summary>
    public const int MaxSteps = 4096;

    /// <summary>Most coalitions per sample: beyond this the coalition matrix and the forward passes take minutes to hours per sample with no gain in accuracy worth it.</summary>
    public const int MaxCoalitions = 100_000;

    /// <summary>Every method, in the order help lists them.</summary>
    public static IReadOnlyList<AttributionEntry> All { get; } = new AttributionEntry[]
    {
        new("ig", "Integrated Gradients (zero baseline, Gauss-Legendre path)", new[] { AttributionSetting.Steps }, true, model => new IntegratedGradients(model)),
        new("gxi", "Gradient x Input", Array.Empty<AttributionSetting>(), true, model => new GradientTimesInput(model)),
        new("saliency", "absolute gradient", Array.Empty<AttributionSetting>(), false, model => new Saliency(model)),
        new("occlusion", "occlusion (time x mel patches, patches of each frame; zero baseline)", Array.Empty<AttributionSetting>(), false, model => new Occlusion(model)),
        new("ablation", "feature ablation (one group at a time; zero baseline)", Array.Empty<AttributionSetting>(), false, model => new FeatureAblation(model)),
        new("kernelshap", "KernelSHAP over the groups of all modalities (zero baseline)", new[] { AttributionSetting.Coalitions }, false, model => new KernelShap(model)),
        new("lime", "LIME over the groups of all modalities (zero baseline)", new[] { AttributionSetting.Coalitions }, false, model => new Lime(model)),
    };

    /// <summary>The names, comma-separated, for messages.</summary>
    public static string ValidNames => string.Join(", ", All.Select(a => a.Name));

    /// <summary>The names of the methods a training loss can use.</summary>
    public static IReadOnlyList<string> TrainableNames { get; } = All.Where(a => a.Trainable).Select(a => a.Name).ToArray();

    /// <summary>The method named <paramref name="name"/>, or an exception listing the valid names.</summary>
    public static AttributionEntry Get(string name) => All.FirstOrDefault(a => a.Name == name)
        ?? throw new ArgumentException($"Unknown attribution '{name}'. Valid attributions: {ValidNames}.");

    /// <summary>The methods that accept <paramref name="setting"/>, for messages.</summary>
    public static string Accepting(AttributionSetting setting) => string.Join(", ", All.Where(a => a.Settings.Contains(setting)).Select(a => a.Name));
}
