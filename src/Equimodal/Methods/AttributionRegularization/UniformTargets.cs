namespace Equimodal.Methods.AttributionRegularization;

/// <summary>target-shares=uniform: every modality is asked for the same share (the publication's targets).</summary>
public sealed class UniformTargets : TargetPolicy
{
}
