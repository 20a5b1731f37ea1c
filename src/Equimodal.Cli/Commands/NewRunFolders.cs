using Equimodal.Experiments;
using Spectre.Console;

namespace Equimodal.Cli.Commands;

/// <summary>The run folders a command is about to train into, checked before any data is loaded or any run trains.</summary>
internal static class NewRunFolders
{
    /// <summary>
    /// Refuses the first of <paramref name="folders"/> that cannot take a new run (<see cref="RunFolder.ClaimForNewRun"/>);
    /// with <paramref name="overwrite"/>, moves old runs aside and says where.
    /// </summary>
    public static void Prepare(IEnumerable<string> folders, bool overwrite)
    {
        foreach (string folder in folders)
        {
            using RunFolderLock claimed = RunFolder.ClaimForNewRun(folder, overwrite, out string? aside);
            if (aside is not null) AnsiConsole.MarkupLine($"[yellow]--overwrite: the run in {Markup.Escape(folder)} was moved to {Markup.Escape(aside)}.[/]");
        }
    }
}
