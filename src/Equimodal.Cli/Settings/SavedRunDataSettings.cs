using System.ComponentModel;
using Equimodal.Cli.Commands;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

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
