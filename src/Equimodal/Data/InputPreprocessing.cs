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

/// <summary>A fitted standardisation: (x - Mean) / Std.</summary>
/// <param name="Mean">Mean over the training split.</param>
/// <param name="Std">Standard deviation over the training split.</param>
public sealed record Standardization(float Mean, float Std);

/// <summary>Fitted principal components (row-major [Count, Features] basis) and the mean they are centred on.</summary>
/// <param name="Mean">Feature means over the fitted rows.</param>
/// <param name="Basis">The components, one row of Mean.Length values each, leading first.</param>
public sealed record PrincipalComponents(IReadOnlyList<double> Mean, IReadOnlyList<double[]> Basis);

/// <summary>Every modality's preprocessing of a dataset, in dataset order.</summary>
/// <param name="Inputs">One entry per dataset modality.</param>
public sealed record DatasetPreprocessing(IReadOnlyList<InputPreprocessing> Inputs)
{
    /// <summary>The version from which AV-Digits' occlusion and noise are recorded; older files leave them to config.json.</summary>
    public const int DegradationRecordedSince = 2;

    /// <summary>Format version of preprocessing.json.</summary>
    public int Version { get; init; } = DegradationRecordedSince;

    /// <summary>The AV-Digits task the inputs were paired for ("digit", "sum" or "pair"); null for other datasets and older files (read as "digit").</summary>
    public string? AvDigitsTask { get; init; }

    /// <summary>What the labels were made for (classes, label sets or target values); null for older files (classification).</summary>
    public TaskKind? Task { get; init; }

    /// <summary>The entry of modality <paramref name="name"/>, or null.</summary>
    public InputPreprocessing? Of(string name) => Inputs.FirstOrDefault(i => i.Modality == name);
}
