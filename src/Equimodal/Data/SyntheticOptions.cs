using System.Globalization;

namespace Equimodal.Data;

/// <summary>Knobs of the synthetic audio-visual benchmark. The defaults make the demo's imbalance appear on 2 CPU cores.</summary>
public sealed record SyntheticOptions
{
    /// <summary>Number of classes.</summary>
    public int Classes { get; init; } = 6;

    /// <summary>Total number of samples over train, validation and test.</summary>
    public int Samples { get; init; } = 1800;

    /// <summary>Standard deviation of the Gaussian noise added to the spectrogram (pattern peak is 1).</summary>
    public double AudioNoise { get; init; } = 0.5;

    /// <summary>Standard deviation of the Gaussian noise added to every frame pixel (shape intensity is 1).</summary>
    public double VisualNoise { get; init; } = 1.2;

    /// <summary>Class pairs that sound alike, "a-b,c-d": class b is rendered with class a's audio pattern.</summary>
    public string AudioAmbiguousPairs { get; init; } = "0-1";

    /// <summary>Class pairs that look alike: "a-b" renders class b with class a's pattern; "a-b:s" blends it towards a's with similarity s.</summary>
    public string VisualAmbiguousPairs { get; init; } = "2-3,4-5,0-1:0.9";

    /// <summary>Height and width of each frame.</summary>
    public int ImageSize { get; init; } = 24;

    /// <summary>Frames per sample.</summary>
    public int Frames { get; init; } = 3;

    /// <summary>Frequency bins of the spectrogram.</summary>
    public int FrequencyBins { get; init; } = 32;

    /// <summary>Time steps of the spectrogram.</summary>
    public int TimeSteps { get; init; } = 32;

    /// <summary>Fraction of samples in the validation split.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Fraction of samples in the test split.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Seed of the data itself (independent of the training seed, as with a real dataset).</summary>
    public int DataSeed { get; init; }

    /// <summary>
    /// Throws with the first out-of-range property's name (e.g. "SyntheticOptions.Samples"), its valid range and the value
    /// given; a front end that sets the property under another name replaces it in the message.
    /// </summary>
    public void Validate()
    {
        Require(Classes is >= 2 and <= 1000, nameof(Classes), "in 2..1000", Classes);
        Require(Samples >= Classes * 5 && Samples <= 1_000_000, nameof(Samples), $"at least 5 per class ({Classes * 5}) and at most 1,000,000", Samples);
        Require(AudioNoise >= 0 && double.IsFinite(AudioNoise), nameof(AudioNoise), "non-negative and finite", AudioNoise);
        Require(VisualNoise >= 0 && double.IsFinite(VisualNoise), nameof(VisualNoise), "non-negative and finite", VisualNoise);
        Require(ImageSize >= 12, nameof(ImageSize), "at least 12", ImageSize);
        Require(Frames >= 1, nameof(Frames), "at least 1", Frames);
        Require(FrequencyBins >= 12, nameof(FrequencyBins), "at least 12", FrequencyBins);
        Require(TimeSteps >= 12, nameof(TimeSteps), "at least 12", TimeSteps);
        Require(ValidationFraction > 0 && double.IsFinite(ValidationFraction), nameof(ValidationFraction), "positive", ValidationFraction);
        Require(TestFraction > 0 && double.IsFinite(TestFraction), nameof(TestFraction), "positive", TestFraction);
        Require(ValidationFraction + TestFraction < 0.9, nameof(TestFraction), $"below 0.9 together with {nameof(SyntheticOptions)}.{nameof(ValidationFraction)}", TestFraction);
        SyntheticAudioVisual.PatternGroups(Classes, AudioAmbiguousPairs);
        SyntheticAudioVisual.PatternGroups(Classes, VisualAmbiguousPairs);
    }

    private static void Require(bool condition, string property, string range, double value)
    {
        if (!condition)
            throw new ArgumentException($"{nameof(SyntheticOptions)}.{property} must be {range}, got {value.ToString(CultureInfo.InvariantCulture)}.");
    }
}
