namespace Equimodal.Data.Images;

/// <summary>How images and video frames become tensors.</summary>
public sealed record ImageSettings
{
    /// <summary>Output height and width.</summary>
    public int Size { get; init; } = 112;

    /// <summary>1 (grey) or 3 (RGB) channels.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Frames taken evenly from each clip's frame folder.</summary>
    public int Frames { get; init; } = 3;

    /// <summary>Smallest area fraction of the random resized crop used in training (torchvision's default is 0.08).</summary>
    public double MinCropScale { get; init; } = 0.08;

    /// <summary>Throws with the first setting out of range.</summary>
    public void Validate()
    {
        if (Size is < 8 or > 1024) throw new ArgumentException($"Image size must be in 8..1024, got {Size}.");
        if (Channels is not (1 or 3)) throw new ArgumentException($"Image channels must be 1 or 3, got {Channels}.");
        if (Frames is < 1 or > 256) throw new ArgumentException($"Frames per clip must be in 1..256, got {Frames}.");
        if (!(MinCropScale > 0 && MinCropScale <= 1)) throw new ArgumentException($"Minimum crop scale must be in (0, 1], got {MinCropScale}.");
    }
}
