namespace Equimodal.Tests.Cli;

public class CompareCommandTests
{
    private static (int ExitCode, string Output) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Compare_trains_every_method_and_seed_and_prints_the_summary_table()
    {
        string folder = TestData.TempFolder();
        var (code, output) = Run("compare", "--methods", "joint,ogm-ge", "--seeds", "2", "--epochs", "1", "--samples", "300", "--width", "4",
            "--depth", "1", "--threads", "1", "--device", "cpu", "--method-option", "ogm-ge:alpha=0.5", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("| method | accuracy |", output);
        Assert.Contains("| ogm-ge |", output);
        foreach (string run in new[] { "joint-seed1", "joint-seed2", "ogm-ge-seed1", "ogm-ge-seed2" })
            Assert.True(File.Exists(Path.Combine(folder, "runs", run, "results.json")), run);
        Assert.Contains("\"alpha\": \"0.5\"", File.ReadAllText(Path.Combine(folder, "runs", "ogm-ge-seed1", "config.json")));
        Assert.True(File.Exists(Path.Combine(folder, "results.md")));
    }

    [Fact]
    public void Compare_has_help_listing_its_flags()
    {
        var (code, output) = Run("compare", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--methods", output);
        Assert.Contains("--seeds", output);
    }

    [Theory]
    [InlineData("--methods", "joint,magic", "Unknown method 'magic'")]
    [InlineData("--seeds", "0", "--seeds must be a positive integer")]
    public void Bad_arguments_fail_with_a_message(string flag, string value, string message)
    {
        var (code, output) = Run("compare", flag, value);
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
    }
}
