namespace Equimodal.Tests.Cli;

public class CliTests
{
    private static (int ExitCode, string Output) Run(params string[] args) => CliRunner.Run(args);

    [Theory]
    [InlineData("--method", "magic", "Unknown method 'magic'", "joint")]
    [InlineData("--fusion", "mix", "Unknown fusion 'mix'", "concat, sum, film, gated, attention")]
    [InlineData("--dataset", "imagenet", "Unknown dataset 'imagenet'", "synthetic")]
    [InlineData("--epochs", "0", "--epochs must be a positive integer", "got 0")]
    [InlineData("--batch-size", "-2", "--batch-size must be a positive integer", "got -2")]
    [InlineData("--clip", "-1", "--clip must be non-negative", "got -1")]
    [InlineData("--checkpoint-every", "-3", "--checkpoint-every must be non-negative", "got -3")]
    public void Bad_arguments_fail_with_a_message_that_lists_the_valid_choices(string flag, string value, string message, string detail)
    {
        var (code, output) = Run("train", flag, value);
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
        Assert.Contains(detail, output);
    }

    [Fact]
    public void Every_command_has_help()
    {
        foreach (string command in Equimodal.Cli.EquimodalApp.Commands.Keys)
        {
            var (code, output) = Run(command, "--help");
            Assert.True(code == 0, $"{command}: {output}");
            Assert.Contains("USAGE", output);
            Assert.Contains("OPTIONS", output);
            Assert.DoesNotContain("error:", output);
        }
    }

    [Fact]
    public void Train_then_evaluate_reproduces_the_test_accuracy()
    {
        string folder = TestData.TempFolder();
        var (code, output) = Run("train", "--method", "joint", "--epochs", "1", "--samples", "300", "--width", "4", "--depth", "1",
            "--threads", "1", "--device", "cpu", "--out", folder);
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(folder, "model.bin")));
        var (evalCode, evalOutput) = Run("evaluate", "--run", folder, "--json");
        Assert.True(evalCode == 0, evalOutput);
        using var results = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
        double trained = results.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble();
        Assert.Contains($"\"accuracy\": {trained.ToString(System.Globalization.CultureInfo.InvariantCulture)}", evalOutput);
    }

    [Fact]
    public void Demo_trains_every_method_on_each_seed_says_where_and_claims_only_what_held_on_every_seed()
    {
        string folder = TestData.TempFolder();
        var (code, output) = Run("demo", "--samples", "120", "--epochs", "1", "--width", "4", "--depth", "1", "--seeds", "2", "--seed", "3",
            "--threads", "1", "--device", "cpu", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains($"seeds 3, 4; run folders go to {Path.GetFullPath(folder)}", output);
        foreach (string method in Equimodal.Cli.Commands.DemoCommand.Methods)
        {
            foreach (int seed in new[] { 3, 4 })
            {
                Assert.True(File.Exists(Path.Combine(folder, $"{method}-seed{seed}", "results.json")), $"{method} seed {seed}");
                Assert.Contains($"{method}, seed {seed}", output);
            }
        }
        Assert.Contains("attr-reg against joint, paired by seed (2 seeds)", output);
        Assert.Contains("accuracy: higher than joint on ", output);
        Assert.Matches("Held on all 2 seeds|No difference between attr-reg and joint held on all 2 seeds", output);
    }
}
