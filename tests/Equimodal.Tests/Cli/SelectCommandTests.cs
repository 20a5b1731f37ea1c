using Equimodal.Cli.Commands;
using Equimodal.Selection;

namespace Equimodal.Tests.Cli;

public class SelectCommandTests
{
    private static readonly string[] TinyFlags =
        { "--methods", "joint,mbsd,amco", "--epochs", "2", "--samples", "300", "--width", "4", "--depth", "1", "--threads", "1", "--device", "cpu", "--budget", "5" };

    [Fact]
    public void Without_methods_the_candidates_are_the_default_set_with_attr_regs_lambda_grid()
    {
        var (settings, code, output) = SettingsTests.Parse<SelectCommand.Settings>("select");
        Assert.True(code == 0, output);
        MethodSelection selection = settings!.Selection(new[] { "audio-only", "visual-only" });
        Assert.Equal(MethodSelection.DefaultCandidates, selection.Candidates.Select(run => run.Method));
        var lambda = selection.Candidates.ToDictionary(run => run.Method, run => run.Config.MethodOptions.GetValueOrDefault("lambda"));
        Assert.Equal("0.3", lambda["attr-reg-lambda0.3"]);
        Assert.Equal("3", lambda["attr-reg-lambda3"]);
        Assert.Null(lambda["attr-reg"]);
        Assert.Equal("attr-reg", selection.Candidates.First(run => run.Method == "attr-reg-lambda3").Config.Method);
    }

    [Fact]
    public void A_selection_spread_over_plan_and_index_reaches_the_same_decision_as_one_process()
    {
        string whole = TestData.TempFolder();
        var (code, output) = CliRunner.Run(TinyFlags.Concat(new[] { "--out", whole }).Prepend("select").ToArray());
        Assert.True(code == 0, output);
        Assert.Contains("**Selected: ", output);

        string spread = TestData.TempFolder();
        string[] flags = TinyFlags.Concat(new[] { "--out", spread }).Prepend("select").ToArray();
        for (int stage = 0; ; stage++)
        {
            Assert.True(stage < 5, "the plan did not advance");
            (code, output) = CliRunner.Run(flags.Append("--plan").ToArray());
            Assert.True(code == 0, output);
            int jobs = File.ReadAllLines(Path.Combine(spread, MethodSelection.PlanFile)).Length - 1;
            if (jobs == 0) break;
            for (int index = jobs - 1; index >= 0; index--)
            {
                (code, output) = CliRunner.Run(flags.Concat(new[] { "--index", index.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray());
                Assert.True(code == 0, output);
            }
        }
        (code, output) = CliRunner.Run(flags.Append("--aggregate").ToArray());
        Assert.True(code == 0, output);
        Assert.Contains("(complete)", output);
        Assert.Equal(Decision(whole), Decision(spread));
    }

    [Theory]
    [InlineData("--budget", "1", "--budget 1 full runs is too small for 3 candidates")]
    [InlineData("--eta", "1", "--eta must be at least 2")]
    [InlineData("--grace", "0", "--grace must be at least one epoch")]
    [InlineData("--references", "joint", "is not a unimodal NAME-only method")]
    [InlineData("--max-gap", "-1", "--max-gap must be a non-negative number of points")]
    public void Bad_arguments_fail_with_a_message(string flag, string value, string message)
    {
        // The flag replaces its value in the tiny settings: a flag given twice is refused before its value is checked.
        int given = Array.IndexOf(TinyFlags, flag);
        string[] flags = given < 0 ? TinyFlags.Concat(new[] { flag, value }).ToArray() : TinyFlags.Select((f, i) => i == given + 1 ? value : f).ToArray();
        var (code, output) = CliRunner.Run(flags.Prepend("select").Append("--plan").ToArray());
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
    }

    private static string Decision(string folder)
    {
        string text = File.ReadAllText(Path.Combine(folder, MethodSelection.JsonFile));
        return text[text.IndexOf("\"rungs\"", StringComparison.Ordinal)..text.IndexOf("\"compute\"", StringComparison.Ordinal)];
    }
}
