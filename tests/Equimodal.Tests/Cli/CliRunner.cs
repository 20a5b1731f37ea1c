using Equimodal.Cli;
using Spectre.Console.Testing;

namespace Equimodal.Tests.Cli;

/// <summary>Runs the `equimodal` application in-process on a test console.</summary>
public static class CliRunner
{
    /// <summary>Runs <paramref name="args"/>; returns the exit code and everything written to the console.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 400;
        int code = EquimodalApp.Run(args, console);
        return (code, console.Output);
    }
}
