using System.ComponentModel;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Data.Preparation;
using Equimodal.Experiments;
using Equimodal.Inference;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal predict`: a saved run's model on unlabelled files.</summary>
public sealed class PredictCommand : Command<PredictCommand.Settings>
{
    /// <summary>Flags of `predict`.</summary>
    public sealed class Settings : SavedModelSettings
    {
        /// <summary>Input.</summary>
        [CommandOption("--data <PATH>")]
        [Description("A manifest (.csv or .jsonl: id plus one column per modality, empty = missing) or a folder with AudioWAV/ and Image-01-FPS/ (the prepare layout).")]
        public string? Data { get; init; }

        /// <summary>Raw videos.</summary>
        [CommandOption("--videos <DIR>")]
        [Description("A folder of videos: audio and 1 fps frames are extracted with ffmpeg as 'prepare' does (into a temporary folder), then predicted; a video without audio or frames is predicted from the other.")]
        public string? Videos { get; init; }

        /// <summary>Output file.</summary>
        [CommandOption("--out <FILE>")]
        [Description("Output file: .csv or .jsonl (one row per sample).")]
        [DefaultValue("predictions.csv")]
        public string Out { get; init; } = "predictions.csv";

        /// <summary>Replace an existing output file.</summary>
        [CommandOption("--overwrite")]
        [Description("Replace --out when it exists (it is refused otherwise; an input of this command is never replaced).")]
        public bool Overwrite { get; init; }

        /// <summary>Classes per row.</summary>
        [CommandOption("--top-k <K>")]
        [Description("Most probable classes written per sample.")]
        [DefaultValue(5)]
        public int TopK { get; init; } = 5;

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <N>")]
        [Description("Samples predicted at once: more is faster and needs more memory.")]
        [DefaultValue(32)]
        public int BatchSize { get; init; } = 32;

        /// <summary>Bad-sample policy.</summary>
        [CommandOption("--on-bad-sample <MODE>")]
        [Description("fail (stop at the first unreadable sample, naming it) or skip (report it and go on).")]
        [DefaultValue("fail")]
        public string OnBadSample { get; init; } = "fail";

        /// <inheritdoc />
        protected override void Check()
        {
            base.Check();
            if (TopK < 1) throw new ArgumentException($"--top-k must be at least 1, got {TopK}.");
            if (BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {BatchSize}.");
            if (OnBadSample is not ("fail" or "skip")) throw new ArgumentException($"Unknown --on-bad-sample '{OnBadSample}'. Valid modes: fail, skip.");
            if (string.IsNullOrWhiteSpace(Data) == string.IsNullOrWhiteSpace(Videos)) throw new ArgumentException("Give either --data PATH or --videos DIR.");
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OutputPaths.CheckFileTarget(settings.Out, "--out", settings.Overwrite, RunFolder.InputFiles.Select(settings.Folder().File).Append(settings.Data ?? ""));
        using Predictor predictor = Predictor.Open(settings.Run, DeviceSelector.Resolve(settings.Device));
        string[] modalities = predictor.Modalities.Select(m => m.Name).ToArray();
        string? prepared = settings.Videos is null ? null : Directory.CreateTempSubdirectory("equimodal-predict-").FullName;
        try
        {
            if (prepared is not null)
            {
                foreach (string line in new VideoPreparation().Prepare("cremad", settings.Videos!, prepared, (done, total) => AnsiConsole.WriteLine($"prepare: {done}/{total} videos"), keepSingleStream: true))
                    AnsiConsole.WriteLine(line);
            }
            return Predict(predictor, PredictionInputs.Read(prepared ?? settings.Data!, modalities), modalities, settings);
        }
        finally
        {
            if (prepared is not null) Directory.Delete(prepared, recursive: true);
        }
    }

    private static int Predict(Predictor predictor, IReadOnlyList<PredictionSample> samples, string[] modalities, Settings settings)
    {
        int step = Math.Max(1, samples.Count / 10);
        var (predictions, failures) = predictor.PredictFiles(samples, settings.BatchSize, (done, total) =>
        {
            if (done == total || done / step != (done - settings.BatchSize) / step) AnsiConsole.WriteLine($"predict: {done}/{total} samples");
        });
        if (failures.Count > 0 && settings.OnBadSample == "fail")
            throw new DataFileException(failures[0].Id, failures[0].Reason + (failures.Count > 1 ? $" (and {failures.Count - 1} more bad samples; --on-bad-sample skip goes on without them)" : ""));
        PredictionWriter.Write(settings.Out, predictions, predictor.ClassNames, modalities, settings.TopK);
        foreach (PredictionFailure failure in failures) AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {failure.Id}: {failure.Reason}");
        int partial = predictions.Count(p => p.Missing.Count > 0);
        AnsiConsole.WriteLine($"Wrote {predictions.Count} predictions to {settings.Out}" +
            (partial > 0 ? $" ({partial} from the modalities present: the row names the missing one)" : "") +
            (failures.Count > 0 ? $"; skipped {failures.Count} unreadable samples." : "."));
        return 0;
    }
}
