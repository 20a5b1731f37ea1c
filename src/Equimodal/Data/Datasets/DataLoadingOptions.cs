using Equimodal.Data.Audio;
using Equimodal.Data.Images;
using Equimodal.Tasks;

namespace Equimodal.Data.Datasets;

/// <summary>What to do with a sample whose files are bad.</summary>
public enum BadSampleMode
{
    /// <summary>Stop with an error naming the file and the problem.</summary>
    Fail,
    /// <summary>Leave the sample out, count it and report why.</summary>
    Skip,
}

/// <summary>Settings shared by the datasets read from files.</summary>
public sealed record DataLoadingOptions
{
    /// <summary>Bad-sample policy (default: fail).</summary>
    public BadSampleMode OnBadSample { get; init; } = BadSampleMode.Fail;

    /// <summary>Spectrogram front end; null = the dataset's own default (ogm-ge for cremad, logmel otherwise).</summary>
    public SpectrogramSettings? Spectrogram { get; init; }

    /// <summary>Frame and image settings.</summary>
    public ImageSettings Image { get; init; } = new();

    /// <summary>Which of <see cref="Image"/>'s settings the <c>folder</c> dataset takes from its files instead (none by default; the CLI detects every setting not given as a flag).</summary>
    public ImageDetection DetectImage { get; init; } = ImageDetection.None;

    /// <summary>Fraction of the training split (per class) held out for validation when the dataset has no validation split.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Seed of the validation split, pairings and degradations (independent of the training seed).</summary>
    public int DataSeed { get; init; }

    /// <summary>The task to read the labels for (default: what the dataset's labels say) and a regression task's loss.</summary>
    public TaskOptions Task { get; init; } = new();

    /// <summary>Throws with the first setting out of range.</summary>
    public void Validate()
    {
        Spectrogram?.Validate();
        Image.Validate();
        Task.Validate();
        if (!(ValidationFraction > 0 && ValidationFraction < 0.5))
            throw new ArgumentException($"Validation fraction must be in (0, 0.5), got {ValidationFraction}.");
    }
}
