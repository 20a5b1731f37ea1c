using System.ComponentModel;
using Equimodal.Data.Preparation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal prepare cremad|vggsound`: videos to the WAV + frame-folder layout the loaders read.</summary>
public sealed class PrepareCommand : Command<PrepareCommand.Settings>
{
    /// <summary>Flags of `prepare`.</summary>
    public sealed class Settings : CommandSettings
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
        public override ValidationResult Validate()
        {
            if (!VideoPreparation.Datasets.Contains(Dataset))
                return ValidationResult.Error($"Cannot prepare '{Dataset}'. Valid datasets: {string.Join(", ", VideoPreparation.Datasets)}.");
            if (Videos.Length == 0 || Out.Length == 0) return ValidationResult.Error("Give both --videos DIR and --out DIR.");
            return VideoPreparation.FindFfmpeg() is null ? ValidationResult.Error(VideoPreparation.MissingFfmpeg) : ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (string line in new VideoPreparation().Prepare(settings.Dataset, settings.Videos, settings.Out))
            AnsiConsole.WriteLine(line);
        return 0;
    }
}
