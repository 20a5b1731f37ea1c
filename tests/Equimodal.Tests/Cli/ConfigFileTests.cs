using Equimodal.Experiments;

namespace Equimodal.Tests.Cli;

public class ConfigFileTests
{
    private static (int ExitCode, string Output) Run(params string[] args) => CliRunner.Run(args);

    private static string Write(string json)
    {
        string path = Path.Combine(TestData.TempFolder(), "train.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("""{ "epoch": 3 }""", "unknown key 'epoch'", "epochs")]
    [InlineData("""{ "epochs": "ten" }""", "key 'epochs' must be an integer", "got \"ten\"")]
    [InlineData("""{ "lr": [0.1] }""", "key 'lr' must be a number", "got [0.1]")]
    [InlineData("""{ "method-option": "lambda=1" }""", "key 'method-option' must be an array of strings", "lambda=1")]
    [InlineData("""{ "epochs": 0 }""", "--epochs must be a positive integer", "got 0")]
    [InlineData("""{ "momentum": 1.5 }""", "--momentum must be in [0, 1)", "got 1.5")]
    [InlineData("""{ "fusion": "mix" }""", "Unknown fusion 'mix'", "concat, sum, film, gated, attention")]
    public void Bad_config_files_are_rejected_naming_the_key_and_the_valid_range(string json, string message, string detail)
    {
        string path = Write(json);
        var (code, output) = Run("train", "--config", path, "--out", TestData.TempFolder());
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
        Assert.Contains(detail, output);
        Assert.Contains(Path.GetFileName(path), output);
    }

    [Fact]
    public void Command_line_flags_override_the_file_and_the_rest_comes_from_it()
    {
        string path = Write("""{ "epochs": 1, "samples": 300, "width": 4, "depth": 1, "threads": 1, "device": "cpu", "seed": 3, "lr": 0.002 }""");
        string folder = TestData.TempFolder();
        var (code, output) = Run("train", "--config", path, "--seed", "4", "--out", folder);
        Assert.True(code == 0, output);
        RunConfig config = new RunFolder(folder).ReadConfig();
        Assert.Equal(4, config.Training.Seed);
        Assert.Equal(1, config.Training.Epochs);
        Assert.Equal(0.002, config.Training.LearningRate);
        Assert.Equal(4, config.Model.Width);
        Assert.Equal(300, config.Dataset.Synthetic.Samples);
        Assert.Single(File.ReadAllLines(Path.Combine(folder, RunFolder.MetricsFile)));
    }
}
