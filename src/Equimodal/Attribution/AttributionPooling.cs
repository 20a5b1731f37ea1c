
namespace Equimodal.Attribution;

/// <summary>How an attribution tensor is pooled into one contribution per sample.</summary>
public enum AttributionPooling
{
    /// <summary>Sum of absolute values.</summary>
    L1,

    /// <summary>Euclidean norm.</summary>
    L2,

    /// <summary>
    /// The signed sum, clamped at zero: the net evidence for the attributed class (for Gradient x Input at a linear
    /// fusion head, the modality's part of that class's logit without the bias); 0 when the modality argues against it.
    /// </summary>
    Net,
}
