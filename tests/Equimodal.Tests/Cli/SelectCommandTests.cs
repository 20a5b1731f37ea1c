using Equimodal.Cli.Commands;
using Equimodal.Selection;
using Equimodal.Tests.Data;

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

    [Fact]
    public void A_selection_decided_from_a_finished_comparisons_runs_is_the_one_that_trains_them()
    {
        // docs/scripts/replay-selection.py measures selection over 5-seed grids this way: it is only valid if a
        // comparison's run of a method and seed is the selection's row of the same name.
        string[] shared = { "--epochs", "2", "--samples", "300", "--width", "4", "--depth", "1", "--threads", "1", "--device", "cpu", "--seed", "1" };
        string[] select = shared.Concat(new[] { "--methods", "joint,mbsd,amco", "--budget", "5" }).Prepend("select").ToArray();
        string trained = TestData.TempFolder();
        var (code, output) = CliRunner.Run(select.Concat(new[] { "--out", trained }).ToArray());
        Assert.True(code == 0, output);

        string grid = TestData.TempFolder();
        (code, output) = CliRunner.Run(shared.Concat(new[] { "--methods", "joint,mbsd,amco,audio-only,visual-only", "--seeds", "1", "--out", grid }).Prepend("compare").ToArray());
        Assert.True(code == 0, output);
        string replayed = TestData.TempFolder();
        foreach (string file in Directory.GetFiles(Path.Combine(grid, "runs"), "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "equimodal.lock"))
        {
            string copy = Path.Combine(replayed, Path.GetRelativePath(grid, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        (code, output) = CliRunner.Run(select.Concat(new[] { "--out", replayed, "--aggregate" }).ToArray());
        Assert.True(code == 0, output);

        Assert.Equal(Decision(trained), Decision(replayed));
        Assert.Equal(Final(trained).GetProperty("test").GetProperty("accuracy").GetDouble(),
            Final(replayed).GetProperty("test").GetProperty("accuracy").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, Final(replayed).GetProperty("testFailureGap").ValueKind);
    }

    [SkippableFact]
    public void The_rule_replay_script_picks_what_select_picks_on_the_same_runs()
    {
        // docs/selection.md measures other rung rules with docs/scripts/selection-rules.py, a re-implementation of the
        // schedule and the rule over recorded validation curves; its accuracy rule must be the tool's.
        const string python = "/usr/bin/python3";
        Skip.IfNot(File.Exists(python), $"{python} is not installed (apt-get install -y python3): the replay script is not checked.");
        string[] shared = { "--epochs", "3", "--samples", "300", "--width", "4", "--depth", "1", "--threads", "1", "--device", "cpu" };
        const string candidates = "joint,mbsd,amco,mla,umt";
        string grid = TestData.TempFolder();
        var (code, output) = CliRunner.Run(shared.Concat(new[] { "--methods", candidates + ",audio-only,visual-only", "--seeds", "2", "--out", grid }).Prepend("compare").ToArray());
        Assert.True(code == 0, output);

        // Each line "pick SETTING SEED RULE WINNER" as (rule, winner), in the order printed.
        (string Rule, string Winner)[] Picks(params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[]
                     {
                         Path.Combine(Docs.MarkdownDocs.Root, "docs", "scripts", "selection-rules.py"), "--setting", $"tiny=3:{grid}", "--candidates", candidates,
                         "--seeds", "1-2", "--budget", "6", "--picks",
                     }.Concat(arguments))
                start.ArgumentList.Add(argument);
            using var script = System.Diagnostics.Process.Start(start)!;
            string printed = script.StandardOutput.ReadToEnd(), errors = script.StandardError.ReadToEnd();
            script.WaitForExit();
            Assert.True(script.ExitCode == 0, errors);
            return printed.Split('\n').Where(l => l.StartsWith("pick ", StringComparison.Ordinal)).Select(l => l.Split(' ')).Select(p => (p[3], p[4])).ToArray();
        }
        string[] picks = Picks("--rules", "accuracy").Select(p => p.Winner).ToArray();
        // penalty subtracts only the part of a gap above --max-gap: under a bound no gap reaches, it ranks as accuracy does.
        var unbounded = Picks("--rules", "accuracy,penalty", "--max-gap", "1000");
        Assert.Equal(unbounded.Where(p => p.Rule == "accuracy").Select(p => p.Winner), unbounded.Where(p => p.Rule == "penalty").Select(p => p.Winner));

        for (int seed = 1; seed <= 2; seed++)
        {
            string replayed = TestData.TempFolder();
            foreach (string file in Directory.GetFiles(Path.Combine(grid, "runs"), "*", SearchOption.AllDirectories)
                         .Where(f => Path.GetFileName(f) != "equimodal.lock" && Path.GetRelativePath(grid, f).Contains($"-seed{seed}", StringComparison.Ordinal)))
            {
                string copy = Path.Combine(replayed, Path.GetRelativePath(grid, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
            string seedText = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
            (code, output) = CliRunner.Run(shared.Concat(new[] { "--methods", candidates, "--seed", seedText, "--budget", "6", "--out", replayed, "--aggregate" }).Prepend("select").ToArray());
            Assert.True(code == 0, output);
            using var selection = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(replayed, MethodSelection.JsonFile)));
            Assert.Equal(selection.RootElement.GetProperty("winner").GetString(), picks[seed - 1]);
            Assert.True(selection.RootElement.GetProperty("rungs").GetArrayLength() > 1, "the schedule has more than one rung, so the cut is compared as well");
        }
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

    private static readonly string[] TaskRun =
    {
        "--dataset", "folder", "--epochs", "2", "--width", "4", "--depth", "1", "--batch-size", "6", "--threads", "1", "--device", "cpu",
        "--audio-preset", "logmel", "--sample-rate", "8000", "--n-fft", "128", "--hop", "64", "--mels", "16", "--clip-seconds", "0.25", "--image-size", "16",
    };

    [Fact]
    public void Default_candidates_on_another_task_are_the_methods_that_train_it_and_selection_md_says_which_were_left_out()
    {
        var (candidates, note) = SelectCommand.Settings.DefaultCandidatesFor(Equimodal.Tasks.TaskKind.MultiLabel);
        Assert.Equal(new[] { "joint", "attr-reg", "attr-reg-lambda0.3", "attr-reg-lambda3", "umt", "mmpareto" }, candidates);
        Assert.Equal("Default candidates left out because they do not train the multilabel task: mbsd, amco, mla (docs/tasks.md).", note);
        Assert.Equal(MethodSelection.DefaultCandidates, SelectCommand.Settings.DefaultCandidatesFor(Equimodal.Tasks.TaskKind.Classification).Candidates);

        // The plan of a multi-label selection lists those rows (and the references), and the report states the note.
        string root = TaskLayouts.AudioVisual(), folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run(new[] { "select", "--data", root, "--out", folder, "--budget", "20", "--plan" }.Concat(TaskRun).ToArray());
        Assert.True(code == 0, output);
        string[] rows = File.ReadAllLines(Path.Combine(folder, MethodSelection.PlanFile)).Skip(1).Select(line => line.Split('\t')[2]).ToArray();
        Assert.Equal(candidates.Concat(new[] { "sound-only", "picture-only" }).Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
        (code, output) = CliRunner.Run(new[] { "select", "--data", root, "--out", folder, "--budget", "20", "--aggregate" }.Concat(TaskRun).ToArray());
        Assert.True(code == 0, output);
        Assert.Contains(note!, File.ReadAllText(Path.Combine(folder, MethodSelection.MarkdownFile)));
    }

    [Fact]
    public void A_candidate_that_does_not_train_the_task_is_refused_before_anything_trains()
    {
        string root = TaskLayouts.AudioVisual(), folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run(new[] { "select", "--data", root, "--out", folder, "--task", "regression", "--methods", "joint,mla" }.Concat(TaskRun).ToArray());
        Assert.NotEqual(0, code);
        Assert.Contains("Method 'mla' is defined for classification, not the regression task", output);
        Assert.False(Directory.Exists(Path.Combine(folder, "runs")) && Directory.EnumerateFiles(Path.Combine(folder, "runs"), "metrics.jsonl", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void A_regression_selection_ranks_by_validation_ccc_and_picks_the_best()
    {
        string root = TaskLayouts.AudioVisual(), folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run(new[] { "select", "--data", root, "--out", folder, "--task", "regression", "--methods", "joint,attr-reg,mmpareto",
            "--references", "none", "--budget", "3" }.Concat(TaskRun).ToArray());
        Assert.True(code == 0, output);
        SelectionReport report = System.Text.Json.JsonSerializer.Deserialize<SelectionReport>(File.ReadAllText(Path.Combine(folder, MethodSelection.JsonFile)), Equimodal.Data.Json.Indented)!;
        Assert.Equal("CCC", report.MainMetric);
        Assert.Contains("by their best validation CCC so far", report.Criterion);
        // Without references the rule is the best validation CCC of the last rung, read here from the runs' metrics.
        RungRecord last = report.Rungs[^1];
        double Best(string row) => new Equimodal.Experiments.RunFolder(Path.Combine(folder, report.Candidates.First(c => c.Name == row).RunFolder))
            .ReadEpochs().Take(last.Epochs).Max(r => r.Validation.Accuracy);
        Assert.Equal(last.Ranking.Select(score => score.Name).MaxBy(Best), report.Winner);
        Assert.Equal(Best(report.Winner!), last.Ranking[0].Accuracy);
        Assert.Contains($"**Selected: {report.Winner}**", output);
        Assert.Contains("rung 0 (", File.ReadAllText(Path.Combine(folder, MethodSelection.MarkdownFile)));
        Assert.Contains("): CCC x100 / gap", File.ReadAllText(Path.Combine(folder, MethodSelection.MarkdownFile)));
        Assert.NotNull(report.Final);
        Assert.Equal("CCC", report.Final!.Test.MainMetric);
    }

    private static System.Text.Json.JsonElement Final(string folder) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, MethodSelection.JsonFile))).RootElement.GetProperty("final");

    private static string Decision(string folder)
    {
        string text = File.ReadAllText(Path.Combine(folder, MethodSelection.JsonFile));
        return text[text.IndexOf("\"rungs\"", StringComparison.Ordinal)..text.IndexOf("\"compute\"", StringComparison.Ordinal)];
    }
}
