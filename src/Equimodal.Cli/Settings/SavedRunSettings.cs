using System.ComponentModel;
using Equimodal.Experiments;
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

