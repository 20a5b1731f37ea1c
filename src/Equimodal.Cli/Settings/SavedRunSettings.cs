using System.ComponentModel;
using Equimodal.Cli.Commands;
using Equimodal.Experiments;
using Equimodal.Training;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>Settings of the commands that open a saved run folder (export, and the commands below that also run its model).</summary>
public class SavedRunSettings : CheckedSettings
{
    /// <summary>Run folder.</summary>
    [CommandOption("--run <DIR>")]
    [Description("Run folder written by 'equimodal train'.")]
    public string Run { get; init; } = "";

    /// <inheritdoc />
    protected override void Check()
    {
        base.Check();
        if (string.IsNullOrWhiteSpace(Run)) throw new ArgumentException("--run DIR is required.");
        if (!Directory.Exists(Run)) throw new ArgumentException($"--run {Run}: no such folder.");
    }

    /// <summary>The run folder.</summary>
    public RunFolder Folder() => new(Run);
}

/// <summary>Settings of the commands that run a saved model (evaluate, explain, predict): the run and the device.</summary>
public class SavedModelSettings : SavedRunSettings
{
    /// <summary>Device.</summary>
    [CommandOption("--device <NAME>")]
    [Description("auto, cpu or cuda.")]
    [DefaultFrom(typeof(TrainingOptions), nameof(TrainingOptions.Device))]
    public string Device { get; init; } = "";

    /// <inheritdoc />
    protected override void Check()
    {
        base.Check();
        DeviceSelector.Validate(Device);
    }
}

/// <summary>Settings of the commands that run a saved model on its dataset (evaluate, explain): the data folder may be moved.</summary>
public class SavedRunDataSettings : SavedModelSettings
{
    /// <summary>Data folder override.</summary>
    [CommandOption("--data <PATH>")]
    [Description("Read the dataset from this folder instead of the one in config.json.")]
    public string? Data { get; init; }

    /// <summary>Opens the run and loads its dataset.</summary>
    internal SavedRun Open() => SavedRun.Open(Run, Data);
}
