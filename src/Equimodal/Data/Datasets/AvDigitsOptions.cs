namespace Equimodal.Data.Datasets;

/// <summary>Knobs of the AV-Digits benchmark (FSDD speech paired with MNIST images).</summary>
public sealed record AvDigitsOptions
{
    /// <summary>Split names.</summary>
    public static readonly IReadOnlyList<string> Splits = new[] { "fsdd", "speaker" };

    /// <summary>"fsdd": recordings 0-4 of every speaker are test (FSDD's rule); "speaker": <see cref="TestSpeaker"/>'s recordings are test.</summary>
    public string Split { get; init; } = "fsdd";

    /// <summary>The held-out speaker of the "speaker" split.</summary>
    public string TestSpeaker { get; init; } = "theo";

    /// <summary>White noise added to the audio at this signal-to-noise ratio in dB; null = clean.</summary>
    public double? AudioSnrDb { get; init; }

    /// <summary>Gaussian blur of the images with this standard deviation in pixels; 0 = none.</summary>
    public double ImageBlur { get; init; }

    /// <summary>Fraction of each image's area hidden by a square at a random place; 0 = none.</summary>
    public double ImageOcclusion { get; init; }

    /// <summary>Fraction of image energy removed by projecting out the leading principal components (AV-MNIST uses 0.75); 0 = none.</summary>
    public double ImagePcaRemoval { get; init; }

    /// <summary>Throws with the first knob out of range.</summary>
    public void Validate()
    {
        if (!Splits.Contains(Split)) throw new ArgumentException($"Unknown AV-Digits split '{Split}'. Valid splits: {string.Join(", ", Splits)}.");
        if (AudioSnrDb is { } snr && !double.IsFinite(snr)) throw new ArgumentException($"Audio SNR must be a finite number of dB, got {snr}.");
        if (!(ImageBlur >= 0) || double.IsInfinity(ImageBlur)) throw new ArgumentException($"Image blur must be non-negative, got {ImageBlur}.");
        if (!(ImageOcclusion >= 0 && ImageOcclusion < 1)) throw new ArgumentException($"Image occlusion must be in [0, 1), got {ImageOcclusion}.");
        if (!(ImagePcaRemoval >= 0 && ImagePcaRemoval < 1)) throw new ArgumentException($"Image PCA removal must be in [0, 1), got {ImagePcaRemoval}.");
    }
}
