using System.Text.Json;
using System.Text.Json.Nodes;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Training;

public class ReproducibilityTests
{
    private static readonly RunConfig Config = new()
    {
        Method = "joint",
        Model = new ModelOptions { MlpHidden = 16 },
        Training = new TrainingOptions { Epochs = 3, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 11 },
    };

    private static string[] MetricsWithoutTimes(string folder) => File.ReadAllLines(Path.Combine(folder, RunFolder.MetricsFile))
        .Select(line => { var node = JsonNode.Parse(line)!.AsObject(); node.Remove("trainSeconds"); return node.ToJsonString(); }).ToArray();

    [Fact]
    public void Same_seed_and_config_give_identical_metrics_and_the_run_folder_records_the_environment()
    {
        string first = TestData.TempFolder(), second = TestData.TempFolder(), other = TestData.TempFolder();
        Experiment.Run(Config, VectorData.Create(200), first);
        Experiment.Run(Config, VectorData.Create(200), second);
        Experiment.Run(Config with { Training = Config.Training with { Seed = 12 } }, VectorData.Create(200), other);
        Assert.Equal(3, MetricsWithoutTimes(first).Length);
        Assert.Equal(MetricsWithoutTimes(first), MetricsWithoutTimes(second));
        Assert.NotEqual(MetricsWithoutTimes(first), MetricsWithoutTimes(other));

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, RunFolder.ConfigFile)));
        JsonElement environment = config.RootElement.GetProperty("environment");
        Assert.Equal("cpu", environment.GetProperty("device").GetString());
        Assert.Equal(1, environment.GetProperty("threads").GetInt32());
        Assert.StartsWith("0.107", environment.GetProperty("torchSharpVersion").GetString());
        Assert.Matches(@"^\d+\.\d+", environment.GetProperty("libTorchVersion").GetString()!);
        // The version is stored once, at the top level, as the informational version.
        Assert.False(environment.TryGetProperty("equimodalVersion", out _));
        Assert.Equal(Equimodal.Reporting.ReproducibilityInfo.CurrentVersion, config.RootElement.GetProperty("equimodalVersion").GetString());
        // Defaults are filled in: options never set above appear with their values.
        Assert.Equal(0.9, config.RootElement.GetProperty("training").GetProperty("momentum").GetDouble());
        Assert.Equal(2, config.RootElement.GetProperty("training").GetProperty("keepCheckpoints").GetInt32());
    }
}
