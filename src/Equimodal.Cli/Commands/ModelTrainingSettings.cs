using System.ComponentModel;
using Equimodal.Data;
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
    [Description("Dataset: synthetic (built in).")]
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
        },
        Method = method,
        MethodOptions = MethodSettings.Parse(MethodOptions).Values,
        Model = new ModelOptions { Encoder = Encoder, Width = Width, Depth = Depth, Fusion = Fusion },
        Training = new TrainingOptions
        {
            Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, WeightDecay = WeightDecay, Optimizer = Optimizer,
            Momentum = Momentum, Schedule = Schedule, StepSize = StepSize, Gamma = Gamma, GradientClip = Clip, Seed = Seed,
            Device = Device, Threads = Threads,
        },
    };

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
