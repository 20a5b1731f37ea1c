using System.Text.Json.Nodes;
using Equimodal.Experiments;
using Equimodal.Tests.Cli;
using Equimodal.Tests.Data;

namespace Equimodal.Tests.Experiments;

/// <summary>A comparison spread over scheduler jobs (--plan, --index, --aggregate) gives what one plain compare gives.</summary>
public class ComparisonGridTests
{
    // Vector modalities (MLP encoders): fast, and free of the convolution encoders' intermittent NaN on this CPU.
    private static readonly Lazy<string> Data = new(() => TinyLayouts.TwoVectors());

    private static string[] Compare(string folder, params string[] extra) => Compare(folder, 2, extra);

    private static string[] Compare(string folder, int seeds, params string[] extra) => new[]
    {
        "compare", "--dataset", "folder", "--data", Data.Value, "--methods", "joint,left-only", "--seeds", $"{seeds}", "--epochs", "2",
        "--batch-size", "8", "--threads", "1", "--device", "cpu", "--out", folder,
    }.Concat(extra).ToArray();

    // results.json without the timings, which differ between any two runs, and without the command, which names the folder
    // (checked apart by SameCommand).
    private static JsonNode Results(string folder)
    {
        JsonNode results = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, Comparison.ResultsFile)))!;
        RemoveTimes(results);
        results.AsObject().Remove("command");
        return results;
    }

    // The command recorded by the grid is the plain compare's in its own folder: --index and --aggregate are not part of it.
    private static void SameCommand(string plain, string grid)
    {
        string Command(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, Comparison.ResultsFile)))!["command"]!.GetValue<string>();
        Assert.StartsWith("equimodal compare --dataset folder", Command(plain));
        Assert.Equal(Command(plain).Replace(plain, grid), Command(grid));
    }

    private static void RemoveTimes(JsonNode? node)
    {
        if (node is JsonObject record)
        {
            foreach (string key in record.Select(p => p.Key).Where(k => k.Contains("Seconds", StringComparison.OrdinalIgnoreCase)).ToArray()) record.Remove(key);
            foreach (var property in record) RemoveTimes(property.Value);
        }
        else if (node is JsonArray array)
        {
            foreach (JsonNode? item in array) RemoveTimes(item);
        }
    }

    [Fact]
    public void Plan_index_and_aggregate_give_the_results_of_a_plain_compare()
    {
        string plain = TestData.TempFolder(), grid = TestData.TempFolder();
        var (code, output) = CliRunner.Run(Compare(plain));
        Assert.True(code == 0, output);

        (code, output) = CliRunner.Run(Compare(grid, "--plan"));
        Assert.True(code == 0, output);
        string[] plan = File.ReadAllLines(Path.Combine(grid, Comparison.PlanFile));
        Assert.Equal(new[] { "index\tmethod\tseed\tfolder", "0\tjoint\t1\truns/joint-seed1", "1\tjoint\t2\truns/joint-seed2", "2\tleft-only\t1\truns/left-only-seed1", "3\tleft-only\t2\truns/left-only-seed2" },
            plan.Select(line => line.Replace('\\', '/')));
        Assert.False(Directory.Exists(Path.Combine(grid, Comparison.RunsFolder)));

        foreach (string row in new[] { "0", "2", "3" })
        {
            (code, output) = CliRunner.Run(Compare(grid, "--index", row));
            Assert.True(code == 0, output);
        }
        (code, output) = CliRunner.Run(Compare(grid, "--aggregate"));
        Assert.True(code == 0, output);
        Assert.Contains("missing: row 1 joint seed 2", output);
        Assert.Equal(3, Results(grid)["runs"]!.AsArray().Count);

        // The scheduler's index, as a Slurm job array sets it.
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", "1");
        try
        {
            (code, output) = CliRunner.Run(Compare(grid, "--index", "env"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", null);
        }
        Assert.True(code == 0, output);
        (code, output) = CliRunner.Run(Compare(grid, "--aggregate"));
        Assert.True(code == 0, output);
        Assert.DoesNotContain("missing", output);
        Assert.Equal(Results(plain).ToJsonString(), Results(grid).ToJsonString());
        SameCommand(plain, grid);
    }

    [Fact]
    public void Linear_probe_columns_aggregate_over_runs_trained_without_them_and_match_evaluate()
    {
        string plain = TestData.TempFolder(), grid = TestData.TempFolder();
        var (code, output) = CliRunner.Run(Compare(plain, 1, "--linear-probe"));
        Assert.True(code == 0, output);
        Assert.Contains("| probe(all) | probe(left) | probe(right) |", File.ReadAllText(Path.Combine(plain, Comparison.MarkdownFile)));
        JsonNode runs = Results(plain)["runs"]!;
        Assert.Equal(new[] { "all", "left", "right" }, Probes(runs[0]!).Select(p => p!["features"]!.GetValue<string>()));
        Assert.Equal(new[] { "all", "left" }, Probes(runs[1]!).Select(p => p!["features"]!.GetValue<string>()));
        JsonNode left = Results(plain)["summary"]![1]!["metrics"]!;
        Assert.Null(left["probe.right"]);
        Assert.Equal(Probes(runs[1]!)[1]!["testAccuracy"]!.GetValue<double>(), left["probe.left"]!["mean"]!.GetValue<double>());

        // The same numbers as evaluate --linear-probe on the run folder.
        (code, output) = CliRunner.Run("evaluate", "--run", Path.Combine(plain, "runs", "joint-seed1"), "--linear-probe", "--json");
        Assert.True(code == 0, output);
        Assert.Equal(JsonNode.Parse(output)!.ToJsonString(), Probes(runs[0]!).ToJsonString());

        // Rows trained without the flag, as a scheduler runs them, then aggregated with it.
        foreach (string row in new[] { "0", "1" })
        {
            (code, output) = CliRunner.Run(Compare(grid, 1, "--index", row));
            Assert.True(code == 0, output);
        }
        (code, output) = CliRunner.Run(Compare(grid, 1, "--aggregate", "--linear-probe"));
        Assert.True(code == 0, output);
        Assert.Contains("probe(all)", output);
        Assert.Equal(Results(plain).ToJsonString(), Results(grid).ToJsonString());
        SameCommand(plain, grid);
    }

    private static JsonArray Probes(JsonNode run) => run["diagnostics"]!["linearProbes"]!.AsArray();

    [Fact]
    public void An_index_outside_the_grid_names_the_valid_rows()
    {
        var (code, output) = CliRunner.Run(Compare(TestData.TempFolder(), "--index", "9"));
        Assert.NotEqual(0, code);
        Assert.Contains("rows are 0 to 3", output);
    }
}
