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
        // A stand-in for ffmpeg that writes what the real one would: a WAV for -vn, two frames otherwise.
        var preparation = new VideoPreparation(arguments =>
        {
            calls.Add(arguments);
            string target = arguments[^1];
            if (arguments.Contains("-vn")) TestMedia.WriteTone(target, 440, 22_050, 0.2);
            else TestMedia.WriteFrames(Path.GetDirectoryName(target)!, 2, SkiaSharp.SKColors.Gray, 16);
            return (0, "");
        });
        IReadOnlyList<string> lines = preparation.Prepare("cremad", videos, output);
        Assert.Equal(60, calls.Count);
        Assert.Contains(calls, c => c.Contains("fps=1"));
        Assert.Equal("Prepared 30 of 30 videos into " + output + ".", lines[^1]);
        // 5 clips per emotion: 1 test, 4 train.
        Assert.Equal(24, File.ReadAllLines(Path.Combine(output, "train.csv")).Length);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "test.csv")).Length);
        var splits = CremaDDataset.Load(output, TinyLayouts.Options);
        Assert.Equal(30, splits.Train.Count + splits.Validation.Count + splits.Test.Count);
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
}
