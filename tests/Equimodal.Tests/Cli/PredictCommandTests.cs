using System.Text.Json;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Data.Preparation;
using Equimodal.Experiments;
using Equimodal.Tests.Data;
using Equimodal.Tests.Docs;

namespace Equimodal.Tests.Cli;

public class PredictCommandTests
{
    /// <summary>A one-epoch run on a tiny CREMA-D layout; returns the layout's folder and the run folder.</summary>
    private static (string Root, string Run) TrainTinyCremaD()
    {
        string root = TinyLayouts.CremaD();
        var config = new RunConfig
        {
            Dataset = new DatasetRequest { Name = "cremad", Path = root, Files = TinyLayouts.Options },
            Model = TestData.TinyModel,
            Training = TestData.ShortTraining with { Epochs = 1 },
        };
        string run = TestData.TempFolder();
        Experiment.Run(config, DatasetCatalog.Load(config.Dataset), run);
        return (root, run);
    }

    [Theory]
    [InlineData("predict", "--data", "data.csv")]
    [InlineData("evaluate")]
    [InlineData("explain")]
    [InlineData("export", "--out", "model.onnx")]
    [InlineData("report")]
    public void A_command_that_reads_a_misspelt_run_folder_fails_naming_it_and_creates_nothing(string command, params string[] rest)
    {
        string parent = TestData.TempFolder();
        string typo = Path.Combine(parent, "runs", "typo");
        string[] outputs = rest.Select(a => a.Contains('.') ? Path.Combine(parent, a) : a).ToArray();

        var (code, text) = CliRunner.Run(new[] { command, "--run", typo }.Concat(outputs).ToArray());

        Assert.NotEqual(0, code);
        Assert.Contains("typo", text);
        Assert.False(Directory.Exists(typo), $"{command} created {typo}");
        Assert.False(Directory.Exists(Path.GetDirectoryName(typo)), $"{command} created {Path.GetDirectoryName(typo)}");
    }

    [Fact]
    public void Predicting_files_with_a_run_of_the_generated_benchmark_is_one_error_that_says_which_runs_can()
    {
        var request = new DatasetRequest { Synthetic = TestData.SmallSynthetic with { Samples = 60 } };
        string run = UntrainedRun.Create(request, TestData.TinyModel);
        new RunFolder(run).WritePreprocessing(DatasetCatalog.Load(request).Preprocessing);
        string data = Path.GetDirectoryName(ExampleFolderDataset.Write(Path.Combine(TestData.TempFolder(), "my-data")))!;

        var (code, text) = CliRunner.Run("predict", "--run", run, "--data", data, "--out", Path.Combine(TestData.TempFolder(), "p.csv"));

        Assert.Equal(2, code);
        Assert.Contains("no file form", text);
        Assert.Contains("train one on files (--dataset folder", text);
        Assert.DoesNotContain("--on-bad-sample", text);
    }

    [Fact]
    public void Predict_writes_one_row_per_clip_of_a_prepare_layout_and_names_a_missing_modality()
    {
        var (root, run) = TrainTinyCremaD();
        string clip = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(root, CremaDDataset.AudioFolder), "*.wav").Order().First());
        File.Delete(Path.Combine(root, CremaDDataset.AudioFolder, clip + ".wav"));
        string output = Path.Combine(TestData.TempFolder(), "predictions.jsonl");

        var (code, text) = CliRunner.Run("predict", "--run", run, "--data", root, "--out", output, "--top-k", "2", "--device", "cpu");

        Assert.True(code == 0, text);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(Directory.GetDirectories(Path.Combine(root, CremaDDataset.FramesFolder)).Length, lines.Length);
        Assert.Contains("1 from the modalities present", text);
        using JsonDocument row = JsonDocument.Parse(lines.Single(l => l.Contains($"\"{clip}\"")));
        Assert.Equal("audio", row.RootElement.GetProperty("missing")[0].GetString());
        Assert.Equal(2, row.RootElement.GetProperty("top").GetArrayLength());
        Assert.Equal(0, row.RootElement.GetProperty("shares").GetProperty("audio").GetDouble(), 4);
    }

    [SkippableFact]
    public void Predict_on_real_videos_names_the_missing_stream_of_a_silent_and_of_an_audio_only_video()
    {
        string? ffmpeg = VideoPreparation.FindFfmpeg();
        Skip.If(ffmpeg is null, "ffmpeg is not installed: apt-get install ffmpeg");
        var (_, run) = TrainTinyCremaD();
        string videos = TestData.TempFolder();
        TestMedia.WriteVideo(ffmpeg!, Path.Combine(videos, "both.mp4"), 2);
        TestMedia.WriteVideo(ffmpeg!, Path.Combine(videos, "silent.mp4"), 2, tone: false);
        TestMedia.WriteVideo(ffmpeg!, Path.Combine(videos, "sound.mp4"), 2, frames: false);
        File.WriteAllText(Path.Combine(videos, "broken.mp4"), "not a video");
        string output = Path.Combine(TestData.TempFolder(), "predictions.jsonl");

        var (code, text) = CliRunner.Run("predict", "--run", run, "--videos", videos, "--out", output, "--device", "cpu");

        Assert.True(code == 0, text);
        Assert.Contains("silent.mp4: no audio extracted (Stream map '0:a:0' matches no streams.); kept its frames", text);
        Assert.Contains("sound.mp4: no frames extracted (Stream map '0:v:0' matches no streams.); kept its audio", text);
        Assert.Contains("broken.mp4: ffmpeg failed", text);
        Assert.Contains("2 from the modalities present", text);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(r => r.GetProperty("id").GetString()!);
        // The file that is no video has no row; each of the others is predicted from what it has, the missing one named.
        Assert.Equal(new[] { "both", "silent", "sound" }, rows.Keys.Order());
        foreach (var (id, missing) in new[] { ("both", ""), ("silent", "audio"), ("sound", "visual") })
        {
            Assert.Equal(missing, string.Join(",", rows[id].GetProperty("missing").EnumerateArray().Select(m => m.GetString())));
            double audioShare = rows[id].GetProperty("shares").GetProperty("audio").GetDouble();
            Assert.Equal(missing switch { "audio" => 0, "visual" => 1, _ => audioShare }, audioShare, 4);
        }
    }
}
