using System.ComponentModel;
using Equimodal.Cli.Settings;
using Equimodal.Report;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal report`: the self-contained report.html of a run folder or a comparison folder.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    /// <summary>Flags of `report`.</summary>
    public sealed class Settings : CheckedSettings
    {
        /// <summary>A run folder.</summary>
        [CommandOption("--run <DIR>")]
        [Description("A finished run folder (from train, or DIR/runs/NAME of a comparison): writes DIR/report.html.")]
        public string? Run { get; init; }

        /// <summary>A comparison folder.</summary>
        [CommandOption("--comparison <DIR>")]
        [Description("A comparison folder (from compare): writes DIR/report.html and each finished run's report.")]
        public string? Comparison { get; init; }

        /// <inheritdoc />
        protected override void Check()
        {
            base.Check();
            if ((Run is null) == (Comparison is null)) throw new ArgumentException("Give one of --run DIR and --comparison DIR.");
            string folder = Run ?? Comparison!;
            if (!Directory.Exists(folder)) throw new ArgumentException($"{(Run is null ? "--comparison" : "--run")} {folder}: the folder does not exist.");
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string path = settings.Run is not null
            ? RunReport.Write(settings.Run, RunReport.ComparisonRecordOf(settings.Run))
            : ComparisonReport.Write(settings.Comparison!);
        AnsiConsole.MarkupLine($"Report: [blue]{Markup.Escape(Path.GetFullPath(path))}[/]");
        return 0;
    }
}
