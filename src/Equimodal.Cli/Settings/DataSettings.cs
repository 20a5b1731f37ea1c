using System.ComponentModel;
using Equimodal.Data;
using Equimodal.Data.Audio;
using Equimodal.Data.Datasets;
using Equimodal.Data.Images;
using Equimodal.Tasks;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>
/// The data part of the training flags: which dataset and how it is read; builds a <see cref="DatasetRequest"/>.
/// <see cref="Samples"/> is declared by the command's settings, which choose its default (<see cref="StandardTrainingSettings"/>).
/// </summary>
public abstract class DataSettings : CheckedSettings
{
    /// <summary>Help text of --samples.</summary>
    protected const string SamplesHelp = "Synthetic benchmark: samples over all splits.";

    /// <summary>Dataset name.</summary>
    [CommandOption("--dataset <NAME>")]
    [Description("Dataset: synthetic (built in), avdigits, cremad, vggsound or folder (read from --data; see docs/data.md).")]
    [DefaultFrom(typeof(DatasetRequest), nameof(DatasetRequest.Name))]
    public string Dataset { get; init; } = "";

    /// <summary>Data folder.</summary>
    [CommandOption("--data <PATH>")]
    [Description("Folder of a dataset read from disk.")]
    public string? Data { get; init; }

    /// <summary>Synthetic: classes.</summary>
    [CommandOption("--classes <N>")]
    [Description("Synthetic benchmark: number of classes.")]
    [DefaultFrom(typeof(SyntheticOptions), nameof(SyntheticOptions.Classes))]
    public int Classes { get; init; }

    /// <summary>Synthetic: samples (the flag --samples, declared with its default by the command's settings).</summary>
    public abstract int Samples { get; init; }

    /// <summary>Synthetic: audio noise.</summary>
    [CommandOption("--audio-noise <STD>")]
    [Description("Synthetic benchmark: noise of the spectrogram.")]
    [DefaultFrom(typeof(SyntheticOptions), nameof(SyntheticOptions.AudioNoise))]
    public double AudioNoise { get; init; }

    /// <summary>Synthetic: visual noise.</summary>
    [CommandOption("--visual-noise <STD>")]
    [Description("Synthetic benchmark: noise of the frames.")]
    [DefaultFrom(typeof(SyntheticOptions), nameof(SyntheticOptions.VisualNoise))]
    public double VisualNoise { get; init; }

    /// <summary>Synthetic: audio-ambiguous pairs.</summary>
    [CommandOption("--audio-ambiguous <PAIRS>")]
    [Description("Synthetic benchmark: class pairs that sound alike, e.g. \"0-1\".")]
    [DefaultFrom(typeof(SyntheticOptions), nameof(SyntheticOptions.AudioAmbiguousPairs))]
    public string AudioAmbiguous { get; init; } = "";

    /// <summary>Synthetic: visual-ambiguous pairs.</summary>
    [CommandOption("--visual-ambiguous <PAIRS>")]
    [Description("Synthetic benchmark: class pairs that look alike, \"a-b:s\" blends b towards a with similarity s.")]
    [DefaultFrom(typeof(SyntheticOptions), nameof(SyntheticOptions.VisualAmbiguousPairs))]
    public string VisualAmbiguous { get; init; } = "";

    /// <summary>Bad-sample policy.</summary>
    [CommandOption("--on-bad-sample <MODE>")]
    [Description("Datasets on disk: fail (stop at the first bad file) or skip (leave it out and report it).")]
    [DefaultFrom(typeof(DataLoadingOptions), nameof(DataLoadingOptions.OnBadSample))]
    public BadSampleMode OnBadSample { get; init; }

    /// <summary>The task to train.</summary>
    [CommandOption("--task <NAME>")]
    [Description("classification, multilabel or regression (default: what the data's labels say; a folder manifest's label, labels or target columns). See docs/tasks.md.")]
    public string? Task { get; init; }

    /// <summary>Loss of a regression task.</summary>
    [CommandOption("--regression-loss <NAME>")]
    [Description("Regression: mse (mean of squared differences from the target) or huber (quadratic below --huber-delta, linear above).")]
    [DefaultFrom(typeof(TaskOptions), nameof(TaskOptions.RegressionLoss))]
    public RegressionLoss RegressionLoss { get; init; }

    /// <summary>Threshold of the Huber loss.</summary>
    [CommandOption("--huber-delta <D>")]
    [Description("Regression with --regression-loss huber: the distance from the target, in target units, where the loss turns linear.")]
    [DefaultFrom(typeof(TaskOptions), nameof(TaskOptions.HuberDelta))]
    public double HuberDelta { get; init; }

    /// <summary>Range of a sentiment-like regression score.</summary>
    [CommandOption("--score-range <LOW,HIGH>")]
    [Description("Regression: the integer range of a sentiment-like score, e.g. -3,3 (CMU-MOSI); adds the binary accuracies acc-2 and acc-2-nonzero and the class accuracy acc-7 (acc-5 for -2,2) to the metrics. See docs/tasks.md.")]
    public string? ScoreRange { get; init; }

    /// <summary>Spectrogram preset.</summary>
    [CommandOption("--audio-preset <NAME>")]
    [Description("logmel (then --sample-rate, --n-fft, --hop, --mels, --clip-seconds apply) or ogm-ge (fixed settings); default: the dataset's own.")]
    public string? AudioPreset { get; init; }

    /// <summary>logmel: sampling rate.</summary>
    [CommandOption("--sample-rate <HZ>")]
    [Description("logmel: sampling rate in Hz (needs --audio-preset logmel; default: the preset's).")]
    public int? SampleRate { get; init; }

    /// <summary>logmel: FFT size.</summary>
    [CommandOption("--n-fft <N>")]
    [Description("logmel: FFT size (needs --audio-preset logmel; default: the preset's).")]
    public int? FftSize { get; init; }

    /// <summary>logmel: hop.</summary>
    [CommandOption("--hop <N>")]
    [Description("logmel: samples between frames (needs --audio-preset logmel; default: the preset's).")]
    public int? Hop { get; init; }

    /// <summary>logmel: mel bands.</summary>
    [CommandOption("--mels <N>")]
    [Description("logmel: mel bands, 0 = linear bins (needs --audio-preset logmel; default: the preset's).")]
    public int? Mels { get; init; }

    /// <summary>logmel: clip length.</summary>
    [CommandOption("--clip-seconds <S>")]
    [Description("logmel: clip length in seconds (needs --audio-preset logmel; default: the preset's).")]
    public double? ClipSeconds { get; init; }

    /// <summary>Frame size; null = from the files (folder dataset) or the default.</summary>
    [CommandOption("--image-size <N>")]
    [Description("Height and width of video frames and images read from disk (default: the folder dataset's image size up to 112; 112 for cremad and vggsound).")]
    public int? ImageSize { get; init; }

    /// <summary>Frames per clip; null = from the files (folder dataset) or the default.</summary>
    [CommandOption("--frames <N>")]
    [Description("Frames taken evenly from each clip's frame folder (default: 1 for single images and up to 3 for frame folders in the folder dataset; 3 for cremad and vggsound).")]
    public int? Frames { get; init; }

    /// <summary>Validation fraction.</summary>
    [CommandOption("--validation-fraction <F>")]
    [Description("Share of each class of the training split held out for validation when a dataset has none.")]
    [DefaultFrom(typeof(DataLoadingOptions), nameof(DataLoadingOptions.ValidationFraction))]
    public double ValidationFraction { get; init; }

    /// <summary>Data seed.</summary>
    [CommandOption("--data-seed <N>")]
    [Description("Seed of the data: the synthetic benchmark's samples, validation splits, AV-Digits pairing and degradations.")]
    [DefaultFrom(typeof(DataLoadingOptions), nameof(DataLoadingOptions.DataSeed))]
    public int DataSeed { get; init; }

    /// <summary>AV-Digits split.</summary>
    [CommandOption("--avdigits-split <NAME>")]
    [Description("AV-Digits: fsdd (recordings 0-4 are test) or speaker (--test-speaker is test).")]
    [DefaultFrom(typeof(AvDigitsOptions), nameof(AvDigitsOptions.Split))]
    public string AvDigitsSplit { get; init; } = "";

    /// <summary>AV-Digits task.</summary>
    [CommandOption("--avdigits-task <NAME>")]
    [Description("AV-Digits: digit (image and speech of one digit), sum (of a spoken and an independent written digit: 19 classes, or a number with --task regression) or pair (which digits occur: multi-label).")]
    [DefaultFrom(typeof(AvDigitsOptions), nameof(AvDigitsOptions.Task))]
    public string AvDigitsTask { get; init; } = "";

    /// <summary>AV-Digits held-out speaker.</summary>
    [CommandOption("--test-speaker <NAME>")]
    [Description("AV-Digits: the held-out speaker of the speaker split.")]
    [DefaultFrom(typeof(AvDigitsOptions), nameof(AvDigitsOptions.TestSpeaker))]
    public string TestSpeaker { get; init; } = "";

    /// <summary>AV-Digits audio noise.</summary>
    [CommandOption("--audio-snr <DB>")]
    [Description("AV-Digits: add white noise to the audio at this SNR in dB.")]
    public double? AudioSnr { get; init; }

    /// <summary>AV-Digits image blur.</summary>
    [CommandOption("--image-blur <SIGMA>")]
    [Description("AV-Digits: blur the images with this standard deviation in pixels.")]
    [DefaultFrom(typeof(AvDigitsOptions), nameof(AvDigitsOptions.ImageBlur))]
    public double ImageBlur { get; init; }

    /// <summary>AV-Digits occlusion.</summary>
    [CommandOption("--image-occlusion <FRACTION>")]
    [Description("AV-Digits: hide this fraction of each image's area.")]
    [DefaultFrom(typeof(AvDigitsOptions), nameof(AvDigitsOptions.ImageOcclusion))]
    public double ImageOcclusion { get; init; }

    /// <summary>AV-Digits PCA energy removal.</summary>
    [CommandOption("--image-pca-removal <FRACTION>")]
    [Description("AV-Digits: remove this fraction of image energy by PCA (AV-MNIST: 0.75).")]
    [DefaultFrom(typeof(AvDigitsOptions), nameof(AvDigitsOptions.ImagePcaRemoval))]
    public double ImagePcaRemoval { get; init; }

    /// <summary>The spectrogram flags, which only the logmel preset reads.</summary>
    private IEnumerable<(string Flag, object? Value)> SpectrogramFlags => new (string, object?)[]
    {
        ("--sample-rate", SampleRate), ("--n-fft", FftSize), ("--hop", Hop), ("--mels", Mels), ("--clip-seconds", ClipSeconds),
    };

    /// <inheritdoc />
    protected override void Check()
    {
        base.Check();
        string[] given = SpectrogramFlags.Where(f => f.Value is not null).Select(f => f.Flag).ToArray();
        if (given.Length > 0 && AudioPreset != "logmel")
        {
            throw new ArgumentException(AudioPreset is null
                ? $"{string.Join(", ", given)} set the logmel spectrogram: add --audio-preset logmel (without a preset each dataset uses its own front end)."
                : $"{string.Join(", ", given)} apply to --audio-preset logmel only; the {AudioPreset} preset has fixed settings.");
        }
        DatasetRequest request = ToDatasetRequest();
        request.Files.Spectrogram?.Validate();
        DatasetCatalog.Validate(request);
    }

    /// <summary>The dataset these flags describe.</summary>
    public DatasetRequest ToDatasetRequest() => new()
    {
        Name = Dataset,
        Path = Data,
        Synthetic = new SyntheticOptions
        {
            Classes = Classes, Samples = Samples, AudioNoise = AudioNoise, VisualNoise = VisualNoise,
            AudioAmbiguousPairs = AudioAmbiguous, VisualAmbiguousPairs = VisualAmbiguous, DataSeed = DataSeed,
        },
        Files = new DataLoadingOptions
        {
            OnBadSample = OnBadSample,
            Spectrogram = Spectrogram(),
            Image = new ImageSettings { Size = ImageSize ?? new ImageSettings().Size, Frames = Frames ?? new ImageSettings().Frames },
            DetectImage = ImageDetection.Channels | (ImageSize is null ? ImageDetection.Size : 0) | (Frames is null ? ImageDetection.Frames : 0),
            ValidationFraction = ValidationFraction,
            DataSeed = DataSeed,
            Task = new TaskOptions { Kind = Task is null ? null : PredictionTask.Parse(Task), RegressionLoss = RegressionLoss, HuberDelta = HuberDelta,
                ScoreRange = ScoreRange is null ? null : Tasks.ScoreRange.Parse(ScoreRange) },
        },
        AvDigits = new AvDigitsOptions
        {
            Task = AvDigitsTask, Split = AvDigitsSplit, TestSpeaker = TestSpeaker, AudioSnrDb = AudioSnr, ImageBlur = ImageBlur,
            ImageOcclusion = ImageOcclusion, ImagePcaRemoval = ImagePcaRemoval,
        },
    };

    private SpectrogramSettings? Spectrogram()
    {
        if (AudioPreset is null) return null;
        var preset = new SpectrogramSettings { Preset = AudioPreset };
        return preset with
        {
            SampleRate = SampleRate ?? preset.SampleRate, FftSize = FftSize ?? preset.FftSize, HopLength = Hop ?? preset.HopLength,
            MelBands = Mels ?? preset.MelBands, Seconds = ClipSeconds ?? preset.Seconds,
        };
    }
}
