using System.ComponentModel;
using Equimodal.Training;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

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
