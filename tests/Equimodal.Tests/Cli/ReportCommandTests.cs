using Equimodal.Report;
using Equimodal.Tests.Report;

namespace Equimodal.Tests.Cli;

public class ReportCommandTests
{
    [Fact]
    public void Report_writes_the_comparison_page_and_every_run_page_and_a_run_page_alone()
    {
        string folder = TestData.TempFolder();
        HandBuiltComparison.Write(folder);

        var (code, output) = CliRunner.Run("report", "--comparison", folder);

        Assert.True(code == 0, output);
        Assert.Contains(Html.ReportFile, output);
        string page = File.ReadAllText(Path.Combine(folder, Html.ReportFile));
        Assert.Contains("attr-reg is below joint on 3 of 3 seeds, -16.0 points [-16.0, -16.0]: beyond seed noise.", page);
        // joint's audio head is 21 points below audio-only on every seed; the unimodal rows move in step over seeds, so
        // seed noise alone gives no gap.
        Assert.Contains("joint leaves audio behind its unimodal model beyond seed noise: gap(audio) +21.0 [+21.0, +21.0] points", page);
        Assert.Contains("Seed noise alone gives a failure gap of about 0.0 points here", page);
        Assert.Contains("equimodal compare --methods audio-only,visual-only,joint,attr-reg --seeds 3 --out compare", page);
        string run = Path.Combine(folder, "runs", "attr-reg-seed2");
        File.Delete(Path.Combine(run, Html.ReportFile));

        (code, output) = CliRunner.Run("report", "--run", run);

        Assert.True(code == 0, output);
        string runPage = File.ReadAllText(Path.Combine(run, Html.ReportFile));
        // The comparison's diagnostics of the run are found from its folder: accuracy without audio, the failure gap.
        Assert.Contains("accuracy without audio", runPage);
        Assert.Contains("failure gap of audio (points)", runPage);
    }

    [Theory]
    [InlineData(new string[0], "Give one of --run DIR and --comparison DIR.")]
    [InlineData(new[] { "--run", "no/such/folder" }, "--run no/such/folder: the folder does not exist.")]
    public void Report_needs_exactly_one_existing_folder(string[] arguments, string message)
    {
        var (code, output) = CliRunner.Run(arguments.Prepend("report").ToArray());
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void A_folder_that_is_not_a_finished_run_or_a_comparison_is_refused_naming_the_missing_file()
    {
        string folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run("report", "--comparison", folder);
        Assert.Equal(2, code);
        Assert.Contains("results.json does not exist: is", output);
        (code, output) = CliRunner.Run("report", "--run", folder);
        Assert.Equal(2, code);
        Assert.Contains("is not a finished run folder", output);
    }
}
