using Spectre.Console;

namespace Equimodal.Cli.Display;

/// <summary>What `equimodal` without a command prints: the three first steps and where the documentation is.</summary>
public static class StartGuide
{
    /// <summary>The guide's lines; commands are whole lines, never wrapped, so they paste as they are.</summary>
    public static IReadOnlyList<string> Lines { get; } =
    [
        "equimodal trains multimodal (e.g. audio-visual) classifiers that use all",
        "of their inputs.",
        "",
        "Modality failure and attr-reg on the built-in benchmark (3 seeds, ~3 min):",
        "    equimodal demo",
        "",
        "Train on your own data (manifest.csv: id,label,split, a column per modality):",
        "    equimodal train --dataset folder --data DIR --method attr-reg --out mine",
        "    equimodal evaluate --run mine --split test",
        "    equimodal predict --run mine --data new/manifest.csv",
        "",
        "More:",
        "    equimodal methods          every training method with its options",
        "    equimodal COMMAND --help   every flag of a command",
        "    equimodal --help           all commands",
        "",
        "Documentation: README.md and docs/ (docs/data.md: dataset layouts) at",
        "https://github.com/equimodal/equimodal",
    ];

    /// <summary>Writes the guide to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console)
    {
        foreach (string line in Lines) console.Profile.Out.Writer.WriteLine(line);
    }
}
