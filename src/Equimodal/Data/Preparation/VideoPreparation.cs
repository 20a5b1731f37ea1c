using System.Diagnostics;
using Equimodal.Data.Datasets;

namespace Equimodal.Data.Preparation;

/// <summary>
/// Extracts mono WAV audio and frames at 1 fps from video files with ffmpeg, into exactly the layout the
/// <c>cremad</c> or <c>vggsound</c> loader reads. For CREMA-D it also writes seeded, stratified train/test lists
/// (80/20 per emotion) unless the output folder already holds them (e.g. copied from the OGM-GE repository).
/// </summary>
public sealed class VideoPreparation
{
    /// <summary>Datasets that can be prepared.</summary>
    public static readonly IReadOnlyList<string> Datasets = new[] { "cremad", "vggsound" };

    /// <summary>Video file extensions picked up from the videos folder.</summary>
    public static readonly IReadOnlyList<string> VideoExtensions = new[] { ".mp4", ".flv", ".avi", ".mkv", ".webm", ".mov" };

    private readonly Func<IReadOnlyList<string>, (int ExitCode, string Error)> _ffmpeg;

    /// <summary>Creates the preparation; <paramref name="ffmpeg"/> runs ffmpeg with the given arguments (default: the ffmpeg found on PATH).</summary>
    public VideoPreparation(Func<IReadOnlyList<string>, (int ExitCode, string Error)>? ffmpeg = null) => _ffmpeg = ffmpeg ?? RunFfmpeg;

    /// <summary>The full path of ffmpeg on <paramref name="pathVariable"/> (default: this process's PATH), or null.</summary>
    public static string? FindFfmpeg(string? pathVariable = null) =>
        (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "ffmpeg")).FirstOrDefault(File.Exists);

    /// <summary>The error shown when ffmpeg is missing.</summary>
    public const string MissingFfmpeg = "ffmpeg was not found on PATH. Install it (Debian/Ubuntu: apt-get install ffmpeg) and run prepare again.";

    /// <summary>
    /// Prepares <paramref name="dataset"/> from <paramref name="videos"/> into <paramref name="output"/>; returns one line per
    /// problem plus a summary. <paramref name="onProgress"/> gets (videos done, videos in all) before each video and once
    /// at the end, for a progress display (a full CREMA-D run takes about an hour). A video lacking its audio or frames
    /// (no such stream, or none that decodes) is dropped and listed, unless <paramref name="keepSingleStream"/> is set
    /// (prediction): then what could be extracted is kept, the line names what is missing, and the clip counts as prepared.
    /// </summary>
    public IReadOnlyList<string> Prepare(string dataset, string videos, string output, Action<int, int>? onProgress = null, bool keepSingleStream = false)
    {
        if (!Datasets.Contains(dataset)) throw new ArgumentException($"Cannot prepare '{dataset}'. Valid datasets: {string.Join(", ", Datasets)}.");
        if (!Directory.Exists(videos)) throw new DataFileException(videos, "videos folder not found");
        string[] files = Directory.EnumerateFiles(videos).Where(f => VideoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new DataFileException(videos, $"no video files ({string.Join(", ", VideoExtensions)})");
        bool cremad = dataset == "cremad";
        string audioFolder = Path.Combine(output, cremad ? CremaDDataset.AudioFolder : VggSoundDataset.AudioFolder);
        string framesRoot = Path.Combine(output, cremad ? CremaDDataset.FramesFolder : VggSoundDataset.FramesFolder);
        Directory.CreateDirectory(audioFolder);
        var lines = new List<string>();
        var done = new List<string>();
        for (int index = 0; index < files.Length; index++)
        {
            onProgress?.Invoke(index, files.Length);
            string video = files[index];
            string clip = Path.GetFileNameWithoutExtension(video);
            string frames = Directory.CreateDirectory(Path.Combine(framesRoot, clip)).FullName;
            string wav = Path.Combine(audioFolder, clip + ".wav");
            // The first audio stream as mono 16-bit WAV, the first video stream as JPEG frames at 1 fps.
            string[] audio = { "-map", "0:a:0", "-ac", "1", "-ar", cremad ? "22050" : "16000", "-c:a", "pcm_s16le", wav };
            string[] images = { "-map", "0:v:0", "-vf", "fps=1", "-q:v", "2", Path.Combine(frames, "frame_%04d.jpg") };
            // One ffmpeg run with both outputs decodes the video once; it fails when either stream is missing.
            (int exit, string error) = Extract(video, audio.Concat(images));
            bool hasAudio = exit == 0, hasFrames = exit == 0 && HasFrames(frames);
            if (hasAudio && hasFrames)
            {
                done.Add(clip);
                continue;
            }
            if (keepSingleStream)
            {
                // Each stream on its own tells which one is missing; the error kept is the missing stream's.
                if (!hasAudio)
                {
                    (int audioExit, string audioError) = Extract(video, audio);
                    hasAudio = audioExit == 0;
                    if (!hasAudio) error = audioError;
                }
                if (!hasFrames)
                {
                    (int framesExit, string framesError) = Extract(video, images);
                    hasFrames = framesExit == 0 && HasFrames(frames);
                    if (!hasFrames) error = framesError;
                }
            }
            // No half-prepared clip is left behind for a loader to trip over.
            if (!hasAudio) File.Delete(wav);
            if (!hasFrames) Directory.Delete(frames, recursive: true);
            // ffmpeg's first line says what failed; the next one suggests its own workaround ("add a trailing '?'").
            string reason = error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "no frames decoded";
            if (hasAudio || hasFrames)
            {
                lines.Add($"{video}: {(hasAudio ? "no frames" : "no audio")} extracted ({reason}); kept its {(hasAudio ? "audio" : "frames")}");
                done.Add(clip);
                continue;
            }
            lines.Add($"{video}: ffmpeg failed ({reason})");
        }
        onProgress?.Invoke(files.Length, files.Length);
        if (cremad) lines.AddRange(WriteCremaDLists(output, done));
        else lines.Add($"Copy the public vggsound.csv (youtube_id,start_seconds,label,split) into {output}; clips are named {{youtube_id}}_{{start:06d}}.");
        lines.Add($"Prepared {done.Count} of {files.Length} videos into {output}.");
        return lines;
    }

    private const double TestFraction = 0.2;

    private static IEnumerable<string> WriteCremaDLists(string output, IReadOnlyList<string> clips)
    {
        string train = Path.Combine(output, "train.csv"), test = Path.Combine(output, "test.csv");
        if (File.Exists(train) || File.Exists(test)) return new[] { $"Kept the existing {train} and {test}." };
        var random = new Random(0);
        var trainLines = new List<string>();
        var testLines = new List<string>();
        // CREMA-D names clips ActorID_Sentence_Emotion_Level, e.g. 1001_DFA_ANG_XX.
        foreach (var group in clips.GroupBy(c => c.Split('_').ElementAtOrDefault(2) ?? "").Where(g => CremaDDataset.Classes.Contains(g.Key)))
        {
            string[] members = group.ToArray();
            random.Shuffle(members);
            // At least one test clip per emotion that has two or more, so a small set still gets a test list.
            int testCount = members.Length < 2 ? 0 : Math.Max(1, (int)Math.Round(members.Length * TestFraction));
            testLines.AddRange(members.Take(testCount).Select(c => $"{c},{group.Key}"));
            trainLines.AddRange(members.Skip(testCount).Select(c => $"{c},{group.Key}"));
        }
        File.WriteAllLines(train, trainLines.Order(StringComparer.Ordinal));
        File.WriteAllLines(test, testLines.Order(StringComparer.Ordinal));
        return new[] { $"Wrote {trainLines.Count} training and {testLines.Count} test clips to {train} and {test} (seeded 80/20 per emotion, at least one test clip per emotion)." };
    }

    private (int ExitCode, string Error) Extract(string video, IEnumerable<string> outputs) =>
        _ffmpeg(new[] { "-y", "-loglevel", "error", "-i", video }.Concat(outputs).ToArray());

    private static bool HasFrames(string frames) => Directory.Exists(frames) && Directory.EnumerateFiles(frames).Any();

    private static (int, string) RunFfmpeg(IReadOnlyList<string> arguments)
    {
        string ffmpeg = FindFfmpeg() ?? throw new InvalidOperationException(MissingFfmpeg);
        var start = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result);
    }
}
