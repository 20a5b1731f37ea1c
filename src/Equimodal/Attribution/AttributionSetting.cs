
namespace Equimodal.Attribution;

/// <summary>An option of the attribution methods that a command exposes; each method accepts some of them.</summary>
public enum AttributionSetting
{
    /// <summary>Integrated Gradients' evaluation points on the path (<see cref="AttributionOptions.Steps"/>).</summary>
    Steps,

    /// <summary>KernelSHAP's and LIME's perturbed inputs per sample (<see cref="AttributionOptions.PerturbationSamples"/>).</summary>
    Coalitions,
}
