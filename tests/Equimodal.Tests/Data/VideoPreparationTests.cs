using Equimodal.Data;
using Equimodal.Data.Audio;
using Equimodal.Data.Datasets;
using Equimodal.Data.Preparation;

namespace Equimodal.Tests.Data;

public class VideoPreparationTests
{
    [Fact]
    public void Ffmpeg_is_looked_up_on_path_and_a_missing_one_is_explained()
    {
        string empty = TestData.TempFolder();
        Assert.Null(VideoPreparation.FindFfmpeg(empty));
        string withFfmpeg = TestData.TempFolder();
        File.WriteAllText(Path.Combine(withFfmpeg, "ffmpeg"), "");
        Assert.Equal(Path.Combine(withFfmpeg, "ffmpeg"), VideoPreparation.FindFfmpeg($"{empty}{Path.PathSeparator}{withFfmpeg}"));
        Assert.Contains("apt-get install ffmpeg", VideoPreparation.MissingFfmpeg);
    }

    [Fact]
    public void Cremad_preparation_produces_the_loader_layout_with_stratified_lists()
    {
        string videos = TestData.TempFolder(), output = TestData.TempFolder();
        string[] emotions = CremaDDataset.Classes.ToArray();
        for (int actor = 0; actor < 5; actor++)
            foreach (string emotion in emotions)
                File.WriteAllText(Path.Combine(videos, $"10{actor:D2}_DFA_{emotion}_XX.flv"), "");
        var calls = new List<IReadOnlyList<string>>();
        var progress = new List<(int Done, int Total)>();
        IReadOnlyList<string> lines = new VideoPreparation(arguments => FakeFfmpeg(arguments, calls)).Prepare("cremad", videos, output, (done, total) => progress.Add((done, total)));
        // Progress before every video (0 done ... 29 done) and once at the end (30 of 30).
        Assert.Equal(Enumerable.Range(0, 31).Select(done => (done, 30)), progress);
        // One ffmpeg run per video, writing both the WAV and the frames.
        Assert.Equal(30, calls.Count);
        Assert.All(calls, c => Assert.Equal(new[] { "0:a:0", "0:v:0" }, c.Where((_, i) => i > 0 && c[i - 1] == "-map")));
        Assert.Equal("Prepared 30 of 30 videos into " + output + ".", lines[^1]);
        // 5 clips per emotion: 1 test, 4 train.
        Assert.Equal(24, File.ReadAllLines(Path.Combine(output, "train.csv")).Length);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "test.csv")).Length);
        var splits = CremaDDataset.Load(output, TinyLayouts.Options);
        Assert.Equal(30, splits.Train.Count + splits.Validation.Count + splits.Test.Count);
    }

    /// <summary>A stand-in for ffmpeg that writes what the real one would: the WAV after pcm_s16le and two frames at the last path (each when asked for).</summary>
    private static (int, string) FakeFfmpeg(IReadOnlyList<string> arguments, List<IReadOnlyList<string>>? calls = null)
    {
        calls?.Add(arguments);
        int wav = arguments.ToList().IndexOf("pcm_s16le") + 1;
        if (wav > 0) TestMedia.WriteTone(arguments[wav], 440, 22_050, 0.2);
        if (arguments.Contains("0:v:0")) TestMedia.WriteFrames(Path.GetDirectoryName(arguments[^1])!, 2, SkiaSharp.SKColors.Gray, 16);
        return (0, "");
    }

    /// <summary>The fake ffmpeg on a video that lacks <paramref name="stream"/> ("0:a:0" or "0:v:0"): any run that maps it fails as the real one does.</summary>
    private static (int, string) FakeFfmpegWithout(string stream, IReadOnlyList<string> arguments, List<IReadOnlyList<string>> calls)
    {
        calls.Add(arguments);
        return arguments.Contains(stream) ? (1, $"Stream map '{stream}' matches no streams.") : FakeFfmpeg(arguments);
    }

    [Theory]
    [InlineData("0:a:0", "audio", "frames")]
    [InlineData("0:v:0", "frames", "audio")]
    public void A_video_without_one_stream_is_dropped_for_prepare_and_kept_with_the_other_for_predict(string stream, string missing, string kept)
    {
        string videos = TestData.TempFolder();
        File.WriteAllText(Path.Combine(videos, "1001_DFA_ANG_XX.mp4"), "");
        string wav = Path.Combine(CremaDDataset.AudioFolder, "1001_DFA_ANG_XX.wav"), frames = Path.Combine(CremaDDataset.FramesFolder, "1001_DFA_ANG_XX");
        foreach (bool keep in new[] { false, true })
        {
            string output = TestData.TempFolder();
            var calls = new List<IReadOnlyList<string>>();
            IReadOnlyList<string> lines = new VideoPreparation(arguments => FakeFfmpegWithout(stream, arguments, calls)).Prepare("cremad", videos, output, keepSingleStream: keep);
            string reason = $"(Stream map '{stream}' matches no streams.)";
            Assert.Contains(lines, l => l.EndsWith(keep ? $"no {missing} extracted {reason}; kept its {kept}" : $"ffmpeg failed {reason}", StringComparison.Ordinal));
            Assert.Equal($"Prepared {(keep ? 1 : 0)} of 1 videos into {output}.", lines[^1]);
            // Prepare keeps nothing of the clip; predict keeps the stream that exists.
            Assert.Equal(keep && kept == "audio", File.Exists(Path.Combine(output, wav)));
            Assert.Equal(keep && kept == "frames", Directory.Exists(Path.Combine(output, frames)));
            // Predict runs each stream alone after the joint run fails: three runs.
            Assert.Equal(keep ? 3 : 1, calls.Count);
        }
    }

    [Fact]
    public void Small_cremad_sets_still_get_one_test_clip_per_emotion_and_a_clear_validation_error()
    {
        // Two clips per emotion (20% rounds to none) and a single ANG clip (kept for training).
        string videos = TestData.TempFolder(), output = TestData.TempFolder();
        foreach (string emotion in CremaDDataset.Classes)
        foreach (string actor in new[] { "1001", "1002" })
            File.WriteAllText(Path.Combine(videos, $"{actor}_DFA_{emotion}_XX.mp4"), "");
        File.Delete(Path.Combine(videos, "1002_DFA_ANG_XX.mp4"));
        new VideoPreparation(arguments => FakeFfmpeg(arguments)).Prepare("cremad", videos, output);
        string[] test = File.ReadAllLines(Path.Combine(output, "test.csv"));
        Assert.Equal(CremaDDataset.Classes.Skip(1), test.Select(l => l.Split(',')[1]).Order());
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "train.csv")).Length);
        // One training clip per emotion leaves nothing for validation: say so instead of failing later in training.
        var error = Assert.Throws<DataFileException>(() => CremaDDataset.Load(output, TinyLayouts.Options));
        Assert.Equal($"{Path.Combine(output, "train.csv")}: no validation samples: a validation fraction of 0.25 holds out none of the 6 training samples; raise it (--validation-fraction) or mark rows as validation", error.Message);
    }

    [Fact]
    public void A_failing_video_is_reported_and_left_out()
    {
        string videos = TestData.TempFolder(), output = TestData.TempFolder();
        File.WriteAllText(Path.Combine(videos, "abc_000010.mp4"), "");
        IReadOnlyList<string> lines = new VideoPreparation(_ => (1, "Invalid data found when processing input")).Prepare("vggsound", videos, output);
        Assert.Contains(lines, l => l.Contains("abc_000010.mp4: ffmpeg failed (Invalid data found when processing input)"));
        Assert.Equal("Prepared 0 of 1 videos into " + output + ".", lines[^1]);
    }

    private const double ClipSeconds = 2;

    /// <summary>Prepares copies of one generated video (test pattern and tone) named <paramref name="clips"/>, plus a file <paramref name="broken"/>.mp4 that is not a video.</summary>
    private static (string Output, IReadOnlyList<string> Lines) PrepareWithRealFfmpeg(string ffmpeg, string dataset, IReadOnlyList<string> clips, string? broken = null)
    {
        string source = TestMedia.WriteVideo(ffmpeg, Path.Combine(TestData.TempFolder(), "source.mp4"), ClipSeconds);
        string videos = TestData.TempFolder(), output = TestData.TempFolder();
        foreach (string clip in clips) File.Copy(source, Path.Combine(videos, clip + ".mp4"));
        if (broken is not null) File.WriteAllText(Path.Combine(videos, broken + ".mp4"), "not a video");
        IReadOnlyList<string> lines = new VideoPreparation().Prepare(dataset, videos, output);
        Assert.Equal($"Prepared {clips.Count} of {clips.Count + (broken is null ? 0 : 1)} videos into {output}.", lines[^1]);
        return (output, lines);
    }

    /// <summary>Checks one prepared clip: mono WAV at <paramref name="sampleRate"/> as long as the video, one frame per second.</summary>
    private static void AssertClipPrepared(string wav, string frames, int sampleRate)
    {
        AudioClip audio = WavReader.Read(wav);
        Assert.Equal(sampleRate, audio.SampleRate);
        Assert.InRange(audio.Seconds, ClipSeconds - 0.05, ClipSeconds + 0.1);
        Assert.Equal((int)ClipSeconds, Directory.GetFiles(frames, "*.jpg").Length);
    }

    [SkippableFact]
    public void Real_ffmpeg_prepares_cremad_and_vggsound_clips_that_load_and_train()
    {
        string? ffmpeg = VideoPreparation.FindFfmpeg();
        Skip.If(ffmpeg is null, "ffmpeg is not installed: apt-get install ffmpeg");
        DataLoadingOptions options = TinyLayouts.Options with { ValidationFraction = 0.4 };

        // Three clips per emotion: the generated lists hold one out for test, and validation takes one of the other two.
        string[] cremadClips = CremaDDataset.Classes.SelectMany(e => new[] { 1001, 1002, 1003 }.Select(actor => $"{actor}_DFA_{e}_XX")).ToArray();
        (string cremad, IReadOnlyList<string> cremadLines) = PrepareWithRealFfmpeg(ffmpeg!, "cremad", cremadClips, broken: "1004_DFA_ANG_XX");
        Assert.Contains(cremadLines, l => l.StartsWith("Wrote 12 training and 6 test clips"));
        // A file ffmpeg cannot read is listed and leaves no half-prepared clip behind.
        Assert.Contains(cremadLines, l => l.Contains("1004_DFA_ANG_XX.mp4: ffmpeg failed"));
        Assert.False(File.Exists(Path.Combine(cremad, CremaDDataset.AudioFolder, "1004_DFA_ANG_XX.wav")));
        Assert.False(Directory.Exists(Path.Combine(cremad, CremaDDataset.FramesFolder, "1004_DFA_ANG_XX")));
        AssertClipPrepared(Path.Combine(cremad, CremaDDataset.AudioFolder, "1002_DFA_SAD_XX.wav"), Path.Combine(cremad, CremaDDataset.FramesFolder, "1002_DFA_SAD_XX"), 22_050);
        DatasetSplits cremadSplits = CremaDDataset.Load(cremad, options);
        Assert.Equal((6, 6, 6), (cremadSplits.Train.Count, cremadSplits.Validation.Count, cremadSplits.Test.Count));
        Assert.Equal(6, FileDatasetTests.TrainOneEpoch(cremadSplits).Test.ConfusionMatrix.Sum(r => r.Sum()));

        // VGGSound ids may hold '-' and '_'; the public CSV is the user's to copy, here written by hand.
        string[] ids = { "a-b_cDeF", "xyz123", "Q_q-9" };
        string[] labels = { "dog barking", "playing piano", "rain" };
        int[] starts = { 0, 30, 60 };
        (string vggsound, _) = PrepareWithRealFfmpeg(ffmpeg!, "vggsound", ids.SelectMany(id => starts.Select(s => VggSoundDataset.ClipName(id, s))).ToArray());
        AssertClipPrepared(Path.Combine(vggsound, VggSoundDataset.AudioFolder, "Q_q-9_000030.wav"), Path.Combine(vggsound, VggSoundDataset.FramesFolder, "Q_q-9_000030"), 16_000);
        File.WriteAllLines(Path.Combine(vggsound, VggSoundDataset.ListFile), ids.SelectMany((id, c) => starts.Select(s => $"{id},{s},{labels[c]},{(s == 60 ? "test" : "train")}")));
        DatasetSplits vggSplits = VggSoundDataset.Load(vggsound, options);
        Assert.Equal(labels, vggSplits.ClassNames);
        Assert.Equal((3, 3, 3), (vggSplits.Train.Count, vggSplits.Validation.Count, vggSplits.Test.Count));
        Assert.Equal(3, FileDatasetTests.TrainOneEpoch(vggSplits).Test.ConfusionMatrix.Sum(r => r.Sum()));
    }
}
