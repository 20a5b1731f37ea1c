namespace Equimodal.Data;

/// <summary>The kind of signal a modality carries; it decides which encoder reads it.</summary>
public enum ModalityKind
{
    /// <summary>A time-frequency image of shape [channels, frequency, time].</summary>
    Spectrogram,
    /// <summary>A clip of frames of shape [frames, channels, height, width].</summary>
    Video,
    /// <summary>A plain feature vector of shape [features].</summary>
    Vector,
}

/// <summary>Name, kind and per-sample shape (without the batch dimension) of one modality.</summary>
/// <param name="Name">Modality name used on the command line and in reports, e.g. "audio".</param>
/// <param name="Kind">Signal kind.</param>
/// <param name="Shape">Per-sample tensor shape.</param>
public sealed record ModalitySpec(string Name, ModalityKind Kind, long[] Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind}, {string.Join("x", Shape)})";
}
