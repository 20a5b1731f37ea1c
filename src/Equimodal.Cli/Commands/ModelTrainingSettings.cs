using System.ComponentModel;
using Equimodal.Data;
using Equimodal.Data.Audio;
using Equimodal.Data.Datasets;
using Equimodal.Data.Images;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Reporting;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>Flags shared by every command that trains: data, architecture and optimisation.</summary>
public class ModelTrainingSettings : CommandSettings
{
    /// <summary>Dataset name.</summary>
    [CommandOption("--dataset <NAME>")]
    [Description("Dataset: synthetic (built in), avdigits, cremad, vggsound or folder (read from --data; see docs/data.md).")]
    [DefaultValue("synthetic")]
    public string Dataset { get; init; } = "synthetic";

    /// <summary>Data folder.</summary>
    [CommandOption("--data <PATH>")]
    [Description("Folder of a dataset read from disk.")]
    public string? Data { get; init; }

    /// <summary>Fusion head.</summary>
    [CommandOption("--fusion <NAME>")]
    [Description("Fusion: concat, sum, film, gated, attention.")]
    [DefaultValue("concat")]
    public string Fusion { get; init; } = "concat";

    /// <summary>Encoder family.</summary>
    [CommandOption("--encoder <NAME>")]
    [Description("Encoder for spectrograms and frames: small (CPU) or resnet18.")]
    [DefaultValue("small")]
    public string Encoder { get; init; } = "small";

    /// <summary>Encoder width.</summary>
    [CommandOption("--width <N>")]
    [Description("Channels of the first stage of the small encoder.")]
    [DefaultValue(16)]
    public int Width { get; init; } = 16;

    /// <summary>Encoder depth.</summary>
    [CommandOption("--depth <N>")]
    [Description("Stages of the small encoder.")]
    [DefaultValue(3)]
    public int Depth { get; init; } = 3;

    /// <summary>Epochs.</summary>
    [CommandOption("--epochs <N>")]
    [Description("Passes over the training split.")]
    [DefaultValue(10)]
    public int Epochs { get; init; } = 10;

    /// <summary>Batch size.</summary>
    [CommandOption("--batch-size <N>")]
    [DefaultValue(32)]
    public int BatchSize { get; init; } = 32;

    /// <summary>Learning rate.</summary>
    [CommandOption("--lr <RATE>")]
    [DefaultValue(1e-3)]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight decay.</summary>
    [CommandOption("--weight-decay <VALUE>")]
    [DefaultValue(1e-4)]
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Optimizer.</summary>
    [CommandOption("--optimizer <NAME>")]
    [Description("adamw or sgd (with --momentum).")]
    [DefaultValue("adamw")]
    public string Optimizer { get; init; } = "adamw";

    /// <summary>SGD momentum.</summary>
    [CommandOption("--momentum <VALUE>")]
    [DefaultValue(0.9)]
    public double Momentum { get; init; } = 0.9;

    /// <summary>Learning-rate schedule.</summary>
    [CommandOption("--schedule <NAME>")]
    [Description("none, step (--step-size, --gamma) or cosine.")]
    [DefaultValue("none")]
    public string Schedule { get; init; } = "none";

    /// <summary>Step schedule period.</summary>
    [CommandOption("--step-size <EPOCHS>")]
    [DefaultValue(10)]
    public int StepSize { get; init; } = 10;

    /// <summary>Step schedule factor.</summary>
    [CommandOption("--gamma <FACTOR>")]
    [DefaultValue(0.1)]
    public double Gamma { get; init; } = 0.1;

    /// <summary>Gradient clipping.</summary>
    [CommandOption("--clip <NORM>")]
    [Description("Maximum global gradient norm; 0 = off.")]
    [DefaultValue(0.0)]
    public double Clip { get; init; }

    /// <summary>Seed.</summary>
    [CommandOption("--seed <N>")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    /// <summary>Device.</summary>
    [CommandOption("--device <NAME>")]
    [Description("auto, cpu or cuda.")]
    [DefaultValue("auto")]
    public string Device { get; init; } = "auto";

    /// <summary>Threads.</summary>
    [CommandOption("--threads <N>")]
    [Description("Intra-op threads; 0 = all cores.")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    /// <summary>Step checkpoints.</summary>
    [CommandOption("--checkpoint-every <STEPS>")]
    [Description("Also checkpoint every this many steps; 0 = only at epoch ends.")]
    [DefaultValue(0)]
    public int CheckpointEvery { get; init; }

    /// <summary>Checkpoints kept.</summary>
    [CommandOption("--keep-checkpoints <K>")]
    [Description("Newest checkpoints kept (the best one is kept too).")]
    [DefaultValue(2)]
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>TensorBoard event files.</summary>
    [CommandOption("--tensorboard <BOOL>")]
    [Description("Also write TensorBoard event files (per-epoch scalars) to each run folder: true or false.")]
    [DefaultValue(true)]
    public bool TensorBoard { get; init; } = true;

    /// <summary>Whole-model initial weights.</summary>
    [CommandOption("--init-weights <FILE>")]
    [Description("Start from these weights (.safetensors or .pt, names as written by 'export').")]
    public string? InitWeights { get; init; }

    /// <summary>Pretrained encoder weights.</summary>
    [CommandOption("--encoder-weights <MODALITY=FILE>")]
    [Description("Pretrained weights for one encoder, e.g. visual=resnet18.safetensors (a classifier 'fc.' is skipped); repeatable.")]
    public string[] EncoderWeights { get; init; } = Array.Empty<string>();

    /// <summary>Key prefix of pretrained encoder weights.</summary>
    [CommandOption("--encoder-prefix <MODALITY=PREFIX>")]
    [Description("Prefix to strip from the keys of --encoder-weights, e.g. visual=module.; repeatable.")]
    public string[] EncoderPrefixes { get; init; } = Array.Empty<string>();

    /// <summary>Frozen encoders.</summary>
    [CommandOption("--freeze-encoder <MODALITY>")]
    [Description("Keep this modality's encoder fixed; repeatable.")]
    public string[] FreezeEncoders { get; init; } = Array.Empty<string>();

    /// <summary>Encoder learning rates.</summary>
    [CommandOption("--encoder-lr <MODALITY=RATE>")]
    [Description("Own learning rate for one encoder, e.g. visual=1e-4; repeatable.")]
    public string[] EncoderLearningRates { get; init; } = Array.Empty<string>();

    /// <summary>Method options.</summary>
    [CommandOption("--method-option <KEY=VALUE>")]
    [Description("A method-specific option; repeat for several.")]
    public string[] MethodOptions { get; init; } = Array.Empty<string>();

    /// <summary>Synthetic: classes.</summary>
    [CommandOption("--classes <N>")]
    [Description("Synthetic benchmark: number of classes.")]
    [DefaultValue(6)]
    public int Classes { get; init; } = 6;

    /// <summary>Synthetic: samples.</summary>
    [CommandOption("--samples <N>")]
    [Description("Synthetic benchmark: samples over all splits.")]
    [DefaultValue(1800)]
    public int Samples { get; init; } = 1800;

    /// <summary>Synthetic: audio noise.</summary>
    [CommandOption("--audio-noise <STD>")]
    [Description("Synthetic benchmark: noise of the spectrogram.")]
    [DefaultValue(0.5)]
    public double AudioNoise { get; init; } = 0.5;

    /// <summary>Synthetic: visual noise.</summary>
    [CommandOption("--visual-noise <STD>")]
    [Description("Synthetic benchmark: noise of the frames.")]
    [DefaultValue(1.2)]
    public double VisualNoise { get; init; } = 1.2;

    /// <summary>Synthetic: audio-ambiguous pairs.</summary>
    [CommandOption("--audio-ambiguous <PAIRS>")]
    [Description("Synthetic benchmark: class pairs that sound alike, e.g. \"0-1\".")]
    [DefaultValue("0-1")]
    public string AudioAmbiguous { get; init; } = "0-1";

    /// <summary>Synthetic: visual-ambiguous pairs.</summary>
    [CommandOption("--visual-ambiguous <PAIRS>")]
    [Description("Synthetic benchmark: class pairs that look alike, \"a-b:s\" blends b towards a with similarity s.")]
    [DefaultValue("2-3,4-5,0-1:0.9")]
    public string VisualAmbiguous { get; init; } = "2-3,4-5,0-1:0.9";
    /// <summary>Bad-sample policy.</summary>
    [CommandOption("--on-bad-sample <MODE>")]
    [Description("Datasets on disk: fail (stop at the first bad file) or skip (leave it out and report it).")]
    [DefaultValue("fail")]
    public string OnBadSample { get; init; } = "fail";

    /// <summary>Spectrogram preset.</summary>
    [CommandOption("--audio-preset <NAME>")]
    [Description("logmel (with --sample-rate, --n-fft, --hop, --mels, --clip-seconds) or ogm-ge; default: the dataset's own.")]
    public string? AudioPreset { get; init; }

    /// <summary>logmel: sampling rate.</summary>
    [CommandOption("--sample-rate <HZ>")]
    [DefaultValue(16000)]
    public int SampleRate { get; init; } = 16000;

    /// <summary>logmel: FFT size.</summary>
    [CommandOption("--n-fft <N>")]
    [DefaultValue(512)]
    public int FftSize { get; init; } = 512;

    /// <summary>logmel: hop.</summary>
    [CommandOption("--hop <N>")]
    [DefaultValue(160)]
    public int Hop { get; init; } = 160;

    /// <summary>logmel: mel bands.</summary>
    [CommandOption("--mels <N>")]
    [DefaultValue(64)]
    public int Mels { get; init; } = 64;

    /// <summary>logmel: clip length.</summary>
    [CommandOption("--clip-seconds <S>")]
    [DefaultValue(1.0)]
    public double ClipSeconds { get; init; } = 1.0;

    /// <summary>Frame size.</summary>
    [CommandOption("--image-size <N>")]
    [Description("Height and width of video frames and images read from disk.")]
    [DefaultValue(112)]
    public int ImageSize { get; init; } = 112;

    /// <summary>Frames per clip.</summary>
    [CommandOption("--frames <N>")]
    [Description("Frames taken evenly from each clip's frame folder.")]
    [DefaultValue(3)]
    public int Frames { get; init; } = 3;

    /// <summary>Validation fraction.</summary>
    [CommandOption("--validation-fraction <F>")]
    [Description("Share of each class of the training split held out for validation when a dataset has none.")]
    [DefaultValue(0.1)]
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Data seed.</summary>
    [CommandOption("--data-seed <N>")]
    [Description("Seed of validation splits, AV-Digits pairing and degradations.")]
    [DefaultValue(0)]
    public int DataSeed { get; init; }

    /// <summary>AV-Digits split.</summary>
    [CommandOption("--avdigits-split <NAME>")]
    [Description("AV-Digits: fsdd (recordings 0-4 are test) or speaker (--test-speaker is test).")]
    [DefaultValue("fsdd")]
    public string AvDigitsSplit { get; init; } = "fsdd";

    /// <summary>AV-Digits held-out speaker.</summary>
    [CommandOption("--test-speaker <NAME>")]
    [DefaultValue("theo")]
    public string TestSpeaker { get; init; } = "theo";

    /// <summary>AV-Digits audio noise.</summary>
    [CommandOption("--audio-snr <DB>")]
    [Description("AV-Digits: add white noise to the audio at this SNR in dB.")]
    public double? AudioSnr { get; init; }

    /// <summary>AV-Digits image blur.</summary>
    [CommandOption("--image-blur <SIGMA>")]
    [DefaultValue(0.0)]
    public double ImageBlur { get; init; }

    /// <summary>AV-Digits occlusion.</summary>
    [CommandOption("--image-occlusion <FRACTION>")]
    [Description("AV-Digits: hide this fraction of each image's area.")]
    [DefaultValue(0.0)]
    public double ImageOcclusion { get; init; }

    /// <summary>AV-Digits PCA energy removal.</summary>
    [CommandOption("--image-pca-removal <FRACTION>")]
    [Description("AV-Digits: remove this fraction of image energy by PCA (AV-MNIST: 0.75).")]
    [DefaultValue(0.0)]
    public double ImagePcaRemoval { get; init; }

    /// <summary>Checks names and ranges before any work starts.</summary>
    public override ValidationResult Validate()
    {
        try
        {
            RunConfig config = ToConfig("joint");
            DatasetCatalog.Validate(config.Dataset);
            config.Model.Validate();
            config.Training.Validate();
            MethodSettings.Parse(MethodOptions);
            return ValidationResult.Success();
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error(e.Message);
        }
    }

    /// <summary>The run configuration these flags describe, for <paramref name="method"/>.</summary>
    public RunConfig ToConfig(string method) => new()
    {
        Dataset = new DatasetRequest
        {
            Name = Dataset,
            Path = Data,
            Synthetic = new SyntheticOptions
            {
                Classes = Classes, Samples = Samples, AudioNoise = AudioNoise, VisualNoise = VisualNoise,
                AudioAmbiguousPairs = AudioAmbiguous, VisualAmbiguousPairs = VisualAmbiguous,
            },
            Files = new DataLoadingOptions
            {
                OnBadSample = OnBadSample switch
                {
                    "fail" => BadSampleMode.Fail,
                    "skip" => BadSampleMode.Skip,
                    _ => throw new ArgumentException($"--on-bad-sample must be fail or skip, got '{OnBadSample}'."),
                },
                Spectrogram = AudioPreset is null ? null : new SpectrogramSettings
                {
                    Preset = AudioPreset, SampleRate = SampleRate, FftSize = FftSize, HopLength = Hop, MelBands = Mels, Seconds = ClipSeconds,
                },
                Image = new ImageSettings { Size = ImageSize, Frames = Frames },
                ValidationFraction = ValidationFraction,
                DataSeed = DataSeed,
            },
            AvDigits = new AvDigitsOptions
            {
                Split = AvDigitsSplit, TestSpeaker = TestSpeaker, AudioSnrDb = AudioSnr, ImageBlur = ImageBlur,
                ImageOcclusion = ImageOcclusion, ImagePcaRemoval = ImagePcaRemoval,
            },
        },
        Method = method,
        TensorBoard = TensorBoard,
        MethodOptions = MethodSettings.Parse(MethodOptions).Values,
        Model = new ModelOptions { Encoder = Encoder, Width = Width, Depth = Depth, Fusion = Fusion },
        Training = new TrainingOptions
        {
            Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, WeightDecay = WeightDecay, Optimizer = Optimizer,
            Momentum = Momentum, Schedule = Schedule, StepSize = StepSize, Gamma = Gamma, GradientClip = Clip, Seed = Seed,
            Device = Device, Threads = Threads, CheckpointEverySteps = CheckpointEvery, KeepCheckpoints = KeepCheckpoints,
            InitWeights = InitWeights, Encoders = EncoderTransfers(),
        },
    };

    private IReadOnlyList<EncoderTransfer> EncoderTransfers()
    {
        var weights = Pairs("--encoder-weights", EncoderWeights);
        var prefixes = Pairs("--encoder-prefix", EncoderPrefixes);
        var rates = Pairs("--encoder-lr", EncoderLearningRates).ToDictionary(kv => kv.Key, kv =>
            double.TryParse(kv.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double rate)
                ? rate : throw new ArgumentException($"--encoder-lr {kv.Key}={kv.Value}: the rate must be a positive number."));
        return weights.Keys.Concat(prefixes.Keys).Concat(rates.Keys).Concat(FreezeEncoders).Distinct().Select(modality => new EncoderTransfer
        {
            Modality = modality,
            Weights = weights.GetValueOrDefault(modality),
            SourcePrefix = prefixes.GetValueOrDefault(modality, ""),
            Freeze = FreezeEncoders.Contains(modality),
            LearningRate = rates.TryGetValue(modality, out double rate) ? rate : null,
        }).ToArray();
    }

    private static Dictionary<string, string> Pairs(string flag, IEnumerable<string> values) => values.Select(pair =>
    {
        int eq = pair.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"{flag} '{pair}' is not of the form MODALITY=VALUE.");
        return (Key: pair[..eq], Value: pair[(eq + 1)..]);
    }).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Checks a method name, listing the valid ones.</summary>
    protected static ValidationResult ValidateMethod(string method)
    {
        try
        {
            MethodRegistry.Validate(method);
            return ValidationResult.Success();
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error(e.Message);
        }
    }
}
