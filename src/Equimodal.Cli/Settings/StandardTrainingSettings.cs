using System.ComponentModel;
using Equimodal.Data;
using Equimodal.Training;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>
/// The training flags with the library's defaults for the size of a run (--samples, --epochs, --batch-size) and for
/// weight averaging (--ema): the settings of train
/// and compare. These flags are declared per command because Spectre.Console.Cli reads a flag's default from the
/// property that declares it, and the demo declares them with smaller defaults (<c>DemoCommand.Settings</c>).
/// </summary>
public abstract class StandardTrainingSettings : TrainingSettings
{
    /// <inheritdoc />
    [CommandOption("--samples <N>")]
    [Description(SamplesHelp)]
    [DefaultFrom(typeof(SyntheticOptions), nameof(SyntheticOptions.Samples))]
    public override int Samples { get; init; }

    /// <inheritdoc />
    [CommandOption("--epochs <N>")]
    [Description(EpochsHelp)]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Epochs))]
    public override int Epochs { get; init; }

    /// <inheritdoc />
    [CommandOption("--batch-size <N>")]
    [Description(BatchSizeHelp)]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.BatchSize))]
    public override int BatchSize { get; init; }

    /// <inheritdoc />
    [CommandOption("--ema <DECAY>")]
    [Description(EmaHelp)]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.EmaDecay))]
    public override double Ema { get; init; }
}
