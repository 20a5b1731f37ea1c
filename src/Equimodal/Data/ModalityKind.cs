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
