using System.ComponentModel;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data.Preparation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal prepare cremad|vggsound`: videos to the WAV + frame-folder layout the loaders read.</summary>
public sealed class PrepareCommand : Command<PrepareCommand.Settings>
{
    /// <summary>Flags of `prepare`.</summary>
    public sealed class Settings : CheckedSettings
    {
        /// <summary>Dataset layout to produce.</summary>
        [CommandArgument(0, "<DATASET>")]
        [Description("cremad or vggsound.")]
        public string Dataset { get; init; } = "";

        /// <summary>Folder of videos.</summary>
        [CommandOption("--videos <DIR>")]
        [Description("Folder of the video files (CREMA-D: 1001_DFA_ANG_XX.flv ...; VGGSound: {youtube_id}_{start:06d}.mp4).")]
        public string Videos { get; init; } = "";

        /// <summary>Output folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Folder to write; pass it to train with --data.")]
        public string Out { get; init; } = "";

        /// <inheritdoc />
        protected override void Check()
        {
            base.Check();
            if (!VideoPreparation.Datasets.Contains(Dataset))
                throw new ArgumentException($"Cannot prepare '{Dataset}'. Valid datasets: {string.Join(", ", VideoPreparation.Datasets)}.");
            if (Videos.Length == 0 || Out.Length == 0) throw new ArgumentException("Give both --videos DIR and --out DIR.");
            if (VideoPreparation.FindFfmpeg() is null) throw new ArgumentException(VideoPreparation.MissingFfmpeg);
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> lines = TrainingDisplay.Interactive ? WithProgressBar(settings) : WithLogLines(settings);
        foreach (string line in lines) AnsiConsole.WriteLine(line);
        return 0;
    }

    private static IReadOnlyList<string> WithProgressBar(Settings settings)
    {
        IReadOnlyList<string> lines = Array.Empty<string>();
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                ProgressTask task = progress.AddTask($"prepare {settings.Dataset}");
                lines = new VideoPreparation().Prepare(settings.Dataset, settings.Videos, settings.Out, (done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                });
            });
        return lines;
    }

    /// <summary>Without a terminal (logs, CI): a line at every tenth of the videos.</summary>
    private static IReadOnlyList<string> WithLogLines(Settings settings)
    {
        int lastTenth = -1;
        return new VideoPreparation().Prepare(settings.Dataset, settings.Videos, settings.Out, (done, total) =>
        {
            int tenth = 10 * done / total;
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            AnsiConsole.WriteLine($"prepare {settings.Dataset}: {done}/{total} videos");
        });
    }
}
