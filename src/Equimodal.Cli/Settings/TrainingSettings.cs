using System.ComponentModel;
using System.Globalization;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Training;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>
/// The optimisation part of the training flags, on top of the data and model parts: the settings of every command
/// that trains (train, compare, demo). <see cref="ToConfig"/> assembles the library's <see cref="RunConfig"/>.
/// <see cref="Epochs"/>, <see cref="BatchSize"/> and <see cref="Ema"/> are declared by the command's settings, which choose their defaults (<see cref="StandardTrainingSettings"/>).
/// </summary>
public abstract class TrainingSettings : ModelSettings
{
    /// <summary>Help text of --epochs.</summary>
    protected const string EpochsHelp = "Passes over the training split.";

    /// <summary>Help text of --batch-size.</summary>
    protected const string BatchSizeHelp = "Samples per mini-batch.";

    /// <summary>Epochs (the flag --epochs, declared with its default by the command's settings).</summary>
    public abstract int Epochs { get; init; }

    /// <summary>Batch size (the flag --batch-size, declared with its default by the command's settings).</summary>
    public abstract int BatchSize { get; init; }

    /// <summary>Learning rate.</summary>
    [CommandOption("--lr <RATE>")]
    [Description("Initial learning rate.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.LearningRate))]
    public double LearningRate { get; init; }

    /// <summary>Weight decay.</summary>
    [CommandOption("--weight-decay <VALUE>")]
    [Description("Decoupled weight decay (adamw) or L2 penalty (sgd).")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.WeightDecay))]
    public double WeightDecay { get; init; }

    /// <summary>Optimizer.</summary>
    [CommandOption("--optimizer <NAME>")]
    [Description("adamw or sgd (with --momentum).")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Optimizer))]
    public string Optimizer { get; init; } = "";

    /// <summary>SGD momentum.</summary>
    [CommandOption("--momentum <VALUE>")]
    [Description("SGD momentum: at least 0 and below 1.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Momentum))]
    public double Momentum { get; init; }

    /// <summary>Learning-rate schedule.</summary>
    [CommandOption("--schedule <NAME>")]
    [Description("none, step (--step-size, --gamma) or cosine.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Schedule))]
    public string Schedule { get; init; } = "";

    /// <summary>Kept-epoch rule.</summary>
    [CommandOption("--keep-epoch <RULE>")]
    [Description("Which epoch's weights to keep: accuracy (best validation accuracy) or modalities (best mean of it and each modality's own accuracy).")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.KeepEpoch))]
    public string KeepEpoch { get; init; } = "";

    /// <summary>Help text of --ema.</summary>
    protected const string EmaHelp = "Validate, keep and test an exponential moving average of the weights with this decay per step, e.g. 0.99; 0: off.";

    /// <summary>Weight averaging (the flag --ema, declared with its default by the command's settings).</summary>
    public abstract double Ema { get; init; }

    /// <summary>Step schedule period.</summary>
    [CommandOption("--step-size <EPOCHS>")]
    [Description("Step schedule: epochs between decays.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.StepSize))]
    public int StepSize { get; init; }

    /// <summary>Step schedule factor.</summary>
    [CommandOption("--gamma <FACTOR>")]
    [Description("Step schedule: decay factor, above 0 and at most 1.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Gamma))]
    public double Gamma { get; init; }

    /// <summary>Gradient clipping.</summary>
    [CommandOption("--clip <NORM>")]
    [Description("Maximum global gradient norm; 0 = off.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.GradientClip))]
    public double Clip { get; init; }

    /// <summary>Seed.</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed of weights, shuffling and every random choice of the method.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Seed))]
    public int Seed { get; init; }

    /// <summary>Device.</summary>
    [CommandOption("--device <NAME>")]
    [Description("auto, cpu or cuda.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Device))]
    public string Device { get; init; } = "";

    /// <summary>Threads.</summary>
    [CommandOption("--threads <N>")]
    [Description("Intra-op threads; 0 = all cores; at most 256.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Threads))]
    public int Threads { get; init; }

    /// <summary>Step checkpoints.</summary>
    [CommandOption("--checkpoint-every <STEPS>")]
    [Description("Also checkpoint every this many steps; 0 = only at epoch ends.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.CheckpointEverySteps))]
    public int CheckpointEvery { get; init; }

    /// <summary>Checkpoints kept.</summary>
    [CommandOption("--keep-checkpoints <K>")]
    [Description("Newest checkpoints kept (the best one is kept too).")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.KeepCheckpoints))]
    public int KeepCheckpoints { get; init; }

    /// <summary>TensorBoard event files.</summary>
    [CommandOption("--tensorboard <BOOL>")]
    [Description("Also write TensorBoard event files (per-epoch scalars) to each run folder: true or false.")]
    [DefaultFrom(typeof(RunConfig), nameof(RunConfig.TensorBoard))]
    public bool TensorBoard { get; init; }

    /// <summary>The modality-use diagnostic.</summary>
    [CommandOption("--modality-use <BOOL>")]
    [Description("Measure how the model uses each modality on the validation split at every epoch end (norms, attribution shares, ablation drops, own accuracy; logged to metrics.jsonl): true or false.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.ModalityUse))]
    public bool ModalityUse { get; init; }

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

    /// <inheritdoc />
    protected override void Check()
    {
        base.Check();
        ToTrainingOptions().Validate();
        MethodSettings.Parse(MethodOptions);
    }

    /// <summary>The optimisation settings these flags describe.</summary>
    public TrainingOptions ToTrainingOptions() => new()
    {
        Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, WeightDecay = WeightDecay, Optimizer = Optimizer,
        Momentum = Momentum, Schedule = Schedule, StepSize = StepSize, Gamma = Gamma, GradientClip = Clip, Seed = Seed,
        Device = Device, Threads = Threads, CheckpointEverySteps = CheckpointEvery, KeepCheckpoints = KeepCheckpoints,
        InitWeights = InitWeights, Encoders = EncoderTransfers(), ModalityUse = ModalityUse, KeepEpoch = KeepEpoch, EmaDecay = Ema,
    };

    /// <summary>The run configuration these flags describe, for <paramref name="method"/>.</summary>
    public RunConfig ToConfig(string method) => new()
    {
        Dataset = ToDatasetRequest(),
        Method = method,
        TensorBoard = TensorBoard,
        MethodOptions = MethodSettings.Parse(MethodOptions).Values,
        Model = ToModelOptions(),
        Training = ToTrainingOptions(),
    };

    /// <summary>Checks a method name and its options (a method reads and range-checks its options when it is created).</summary>
    protected static void CheckMethod(string method, IReadOnlyDictionary<string, string> options) =>
        MethodRegistry.Create(method, new MethodSettings(options));

    private IReadOnlyList<EncoderTransfer> EncoderTransfers()
    {
        var weights = Pairs("--encoder-weights", EncoderWeights);
        var prefixes = Pairs("--encoder-prefix", EncoderPrefixes);
        var rates = Pairs("--encoder-lr", EncoderLearningRates).ToDictionary(kv => kv.Key, kv =>
            double.TryParse(kv.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && double.IsFinite(rate)
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

    private static Dictionary<string, string> Pairs(string flag, IEnumerable<string> values)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in values)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"{flag} '{pair}' is not of the form MODALITY=VALUE.");
            if (!pairs.TryAdd(pair[..eq], pair[(eq + 1)..])) throw new ArgumentException($"{flag} gives modality '{pair[..eq]}' twice.");
        }
        return pairs;
    }
}
