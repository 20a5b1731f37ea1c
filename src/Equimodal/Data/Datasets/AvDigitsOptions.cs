using Equimodal.Tasks;

namespace Equimodal.Data.Datasets;

/// <summary>Knobs of the AV-Digits benchmark (FSDD speech paired with MNIST images).</summary>
public sealed record AvDigitsOptions
{
    /// <summary>Split names.</summary>
    public static readonly IReadOnlyList<string> Splits = new[] { "fsdd", "speaker" };

    /// <summary>What the labels ask: see <see cref="Task"/>.</summary>
    public static readonly IReadOnlyList<string> Tasks = new[] { "digit", "sum", "pair" };

    /// <summary>
    /// "digit": each recording is paired with an image of its own digit, the label is that digit (10 classes).
    /// "sum" and "pair": each recording is paired with an image of a digit drawn independently of it; "sum" labels the
    /// sum of the two digits (19 classes 0-18, or one number with the regression task), "pair" which digits occur (10
    /// labels; one when both are the same digit).
    /// </summary>
    public string Task { get; init; } = "digit";

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

    /// <summary>The task kinds <see cref="Task"/> can be learned as, its default first.</summary>
    public IReadOnlyList<TaskKind> SupportedKinds => Task switch
    {
        "sum" => new[] { TaskKind.Classification, TaskKind.Regression },
        "pair" => new[] { TaskKind.MultiLabel },
        _ => new[] { TaskKind.Classification },
    };

    /// <summary>The task kind to learn: <paramref name="requested"/>, or the default of <see cref="Task"/>; an unsupported one is an error naming the valid ones.</summary>
    public TaskKind KindFor(TaskKind? requested)
    {
        if (requested is not { } kind) return SupportedKinds[0];
        if (!SupportedKinds.Contains(kind))
        {
            throw new ArgumentException($"The AV-Digits task '{Task}' cannot be learned as {PredictionTask.NameOf(kind)}: "
                                        + $"it supports {string.Join(", ", SupportedKinds.Select(PredictionTask.NameOf))}.");
        }
        return kind;
    }

    /// <summary>Throws with the first knob out of range.</summary>
    public void Validate()
    {
        if (!Tasks.Contains(Task)) throw new ArgumentException($"Unknown AV-Digits task '{Task}'. Valid tasks: {string.Join(", ", Tasks)}.");
        if (!Splits.Contains(Split)) throw new ArgumentException($"Unknown AV-Digits split '{Split}'. Valid splits: {string.Join(", ", Splits)}.");
        if (AudioSnrDb is { } snr && !double.IsFinite(snr)) throw new ArgumentException($"Audio SNR must be a finite number of dB, got {snr}.");
        if (!(ImageBlur >= 0) || double.IsInfinity(ImageBlur)) throw new ArgumentException($"Image blur must be non-negative, got {ImageBlur}.");
        if (!(ImageOcclusion >= 0 && ImageOcclusion < 1)) throw new ArgumentException($"Image occlusion must be in [0, 1), got {ImageOcclusion}.");
        if (!(ImagePcaRemoval >= 0 && ImagePcaRemoval < 1)) throw new ArgumentException($"Image PCA removal must be in [0, 1), got {ImagePcaRemoval}.");
    }
}
