using Equimodal.Data.Audio;
using Equimodal.Data.Images;
using Equimodal.Tasks;

namespace Equimodal.Data;

/// <summary>How raw files became one modality's model input, with every fitted statistic (written to preprocessing.json of a run).</summary>
public sealed record InputPreprocessing
{
    /// <summary>Reader kinds: WAV to spectrogram, image or frame folder to frames, feature file to vector, built-in generator.</summary>
    public static readonly IReadOnlyList<string> Readers = new[] { "spectrogram", "frames", "vector", "generated" };

    /// <summary>Modality name.</summary>
    public string Modality { get; init; } = "";

    /// <summary>One of <see cref="Readers"/>.</summary>
    public string Reader { get; init; } = "generated";

    /// <summary>Per-sample input shape.</summary>
    public long[] Shape { get; init; } = Array.Empty<long>();

    /// <summary>The spectrogram settings actually used (preset resolved), for spectrograms.</summary>
    public SpectrogramSettings? Spectrogram { get; init; }

    /// <summary>Image size, channels and frames, for frames.</summary>
    public ImageSettings? Image { get; init; }

    /// <summary>Pixel normalisation: (value in [0, 1] - mean[c]) / std[c] per channel (one value for grey), for frames.</summary>
    public IReadOnlyList<float>? PixelMean { get; init; }

    /// <summary>See <see cref="PixelMean"/>.</summary>
    public IReadOnlyList<float>? PixelStd { get; init; }

    /// <summary>Standardisation fitted on the training split and applied after the reader: (x - mean) / std (AV-Digits spectrograms).</summary>
    public Standardization? Standardization { get; init; }

    /// <summary>Principal components removed from images, fitted on the training split (AV-Digits' degradation).</summary>
    public PrincipalComponents? RemovedComponents { get; init; }

    /// <summary>Gaussian blur applied to images (standard deviation in pixels; 0 = none).</summary>
    public double Blur { get; init; }

    /// <summary>
    /// Fraction of each image's area hidden by a square at a seeded random place, after the blur (AV-Digits' degradation;
    /// 0 = none). The predictor draws a file's place from its sample id.
    /// </summary>
    public double Occlusion { get; init; }

    /// <summary>
    /// White noise added to the waveform at this signal-to-noise ratio in dB before the spectrogram (AV-Digits'
    /// degradation; null = clean). The predictor draws a file's noise from its sample id.
    /// </summary>
    public double? NoiseSnrDb { get; init; }
}
