using System.Text.Json;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Reporting;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Cli;

public class PredictCommandTests
{
    [Fact]
    public void Predict_writes_one_row_per_clip_of_a_prepare_layout_and_names_a_missing_modality()
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
}
