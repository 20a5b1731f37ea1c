using System.Text.Json.Nodes;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Tests.Cli;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Experiments;

/// <summary>Run folders protect what is in them: one writer at a time, no folder written over, outputs never replacing inputs.</summary>
public class RunFolderSafetyTests
{
    /// <summary>A tiny two-vector dataset shared by the reliability sweeps.</summary>
    internal static readonly Lazy<string> Data = new(() => TinyLayouts.TwoVectors());

    /// <summary>A one-epoch `train` of joint on <see cref="Data"/> into <paramref name="folder"/>.</summary>
    internal static string[] Train(string folder, params string[] extra) => new[]
    {
        "train", "--dataset", "folder", "--data", Data.Value, "--method", "joint", "--epochs", "1", "--batch-size", "8",
        "--threads", "1", "--device", "cpu", "--out", folder,
    }.Concat(extra).ToArray();

    private static string[] Compare(string folder, int seeds, params string[] extra) => new[]
    {
        "compare", "--dataset", "folder", "--data", Data.Value, "--methods", "joint,left-only", "--seeds", $"{seeds}", "--epochs", "2",
        "--batch-size", "8", "--threads", "1", "--device", "cpu", "--out", folder,
    }.Concat(extra).ToArray();

    // A folder with the files of a run, written by hand: what the refusals must leave untouched.
    private static string HandMadeRun(bool finished)
    {
        string folder = TestData.TempFolder();
        File.WriteAllText(Path.Combine(folder, RunFolder.ConfigFile), "{\"method\": \"joint\"}");
        File.WriteAllText(Path.Combine(folder, RunFolder.MetricsFile), "{}\n");
        if (finished) File.WriteAllText(Path.Combine(folder, RunFolder.ResultsFile), "{\"mine\": 1}");
        return folder;
    }

    private static Dictionary<string, string> Contents(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllText);

    [Fact]
    public void A_second_writer_is_refused_at_once_naming_the_holder_and_the_lock_is_free_after_release()
    {
        string folder = TestData.TempFolder();
        using (RunFolderLock held = RunFolderLock.Acquire(folder))
        {
            Assert.Null(held.TakenOverFrom);
            var refused = Assert.Throws<RunFolderInUseException>(() => RunFolderLock.Acquire(folder));
            Assert.Contains($"pid {Environment.ProcessId} on host {Environment.MachineName}", refused.Message);

            var (code, output) = CliRunner.Run(Train(folder));
            Assert.Equal(2, code);
            Assert.Contains($"is in use by another Equimodal process (pid {Environment.ProcessId}", output);
            Assert.False(File.Exists(Path.Combine(folder, RunFolder.ConfigFile)));
        }
        Assert.False(File.Exists(Path.Combine(folder, RunFolderLock.OwnerFile)));
        using RunFolderLock again = RunFolderLock.Acquire(folder);
    }

    [Fact]
    public void A_lock_left_by_a_dead_process_is_taken_over_and_its_holder_named()
    {
        string folder = TestData.TempFolder();
        // What a killed process leaves: the lock file (its OS lock died with it) and the owner file.
        File.WriteAllText(Path.Combine(folder, RunFolderLock.LockFile), "");
        File.WriteAllText(Path.Combine(folder, RunFolderLock.OwnerFile), "pid 999999 on host gone, started 2026-01-01 00:00:00 UTC: train");
        using RunFolderLock taken = RunFolderLock.Acquire(folder);
        Assert.Equal("pid 999999 on host gone, started 2026-01-01 00:00:00 UTC: train", taken.TakenOverFrom);
        Assert.Contains($"pid {Environment.ProcessId}", File.ReadAllText(Path.Combine(folder, RunFolderLock.OwnerFile)));
    }

    [Fact]
    public void Out_refuses_a_file_the_root_and_the_home_directory()
    {
        string file = Path.Combine(TestData.TempFolder(), "notes.txt");
        File.WriteAllText(file, "keep me");
        Assert.Contains("is a file", Assert.Throws<IOException>(() => RunFolder.ClaimForNewRun(file, overwrite: false, out _)).Message);
        Assert.Equal("keep me", File.ReadAllText(file));
        Assert.Contains("filesystem root", Assert.Throws<IOException>(() => RunFolder.ClaimForNewRun("/", overwrite: true, out _)).Message);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Skip.If(string.IsNullOrEmpty(home));
        Assert.Contains("is a home directory", Assert.Throws<IOException>(() => RunFolder.ClaimForNewRun(home, overwrite: true, out _)).Message);

        var (code, output) = CliRunner.Run(Train("/"));
        Assert.Equal(2, code);
        Assert.Contains("--out / is the filesystem root", output);
        Assert.False(File.Exists("/config.json"));
    }

    [Fact]
    public void Out_refuses_a_folder_of_other_files_naming_them_and_leaves_them_untouched()
    {
        string folder = TestData.TempFolder();
        File.WriteAllText(Path.Combine(folder, "events.out.tfevents.1700000000.host"), "pytorch");
        File.WriteAllText(Path.Combine(folder, "results.json"), "{\"theirs\": true}");
        Dictionary<string, string> before = Contents(folder);

        var (code, output) = CliRunner.Run(Train(folder, "--overwrite"));

        Assert.Equal(2, code);
        Assert.Contains("is not an Equimodal run folder (it holds events.out.tfevents.1700000000.host, results.json)", output);
        Assert.Equal(before, Contents(folder));
    }

    [Theory]
    [InlineData(true, "holds a finished run")]
    [InlineData(false, "holds an unfinished run (continue it with 'equimodal train --resume")]
    public void Out_refuses_a_run_folder_and_overwrite_moves_it_aside_without_deleting_anything(bool finished, string message)
    {
        string folder = HandMadeRun(finished);
        Dictionary<string, string> before = Contents(folder);
        var refused = Assert.Throws<IOException>(() => RunFolder.ClaimForNewRun(folder, overwrite: false, out _));
        Assert.Contains(message, refused.Message);
        Assert.Equal(before, Contents(folder).Where(f => f.Key != RunFolderLock.LockFile).ToDictionary());

        using (RunFolderLock claimed = RunFolder.ClaimForNewRun(folder, overwrite: true, out string? aside))
        {
            Assert.NotNull(aside);
            Assert.StartsWith($"{folder}.replaced-", aside);
            Assert.Equal(before, Contents(aside!).Where(f => f.Key != RunFolderLock.LockFile).ToDictionary());
            Assert.Empty(OutputPaths.OwnEntries(folder));
        }
    }

    [Fact]
    public void Train_over_a_finished_run_is_refused_and_with_overwrite_trains_anew_keeping_the_old_run()
    {
        string folder = Path.Combine(TestData.TempFolder(), "run");
        var (code, output) = CliRunner.Run(Train(folder));
        Assert.True(code == 0, output);
        string results = File.ReadAllText(Path.Combine(folder, RunFolder.ResultsFile));
        JsonNode environment = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunFolder.ConfigFile)))!["environment"]!;
        Assert.Equal(1, environment["ranks"]!.GetValue<int>());
        Assert.Equal(8, environment["perRankBatch"]!.GetValue<int>());

        (code, output) = CliRunner.Run(Train(folder, "--seed", "2"));
        Assert.Equal(2, code);
        Assert.Contains("holds a finished run; nothing was written", output);
        Assert.Equal(results, File.ReadAllText(Path.Combine(folder, RunFolder.ResultsFile)));

        (code, output) = CliRunner.Run(Train(folder, "--seed", "2", "--overwrite"));
        Assert.True(code == 0, output);
        string aside = Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(folder)!, "run.replaced-*"));
        Assert.Equal(results, File.ReadAllText(Path.Combine(aside, RunFolder.ResultsFile)));
        Assert.Contains("was moved to", output);
    }

    [Fact]
    public void A_data_parallel_run_records_its_ranks_and_per_rank_batch()
    {
        string folder = TestData.TempFolder();
        var config = new RunConfig
        {
            Method = "joint",
            Model = new ModelOptions { MlpHidden = 8 },
            Training = new TrainingOptions { Epochs = 1, BatchSize = 8, Threads = 1, Device = "cpu" },
        };
        // Rank 0 of two; the other rank contributes zeros to every sum.
        Experiment.Run(config, VectorData.Create(32), folder, collective: new Distributed.SimulatedRanks(new double[100_000]));
        JsonNode environment = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunFolder.ConfigFile)))!["environment"]!;
        Assert.Equal(2, environment["ranks"]!.GetValue<int>());
        Assert.Equal(8, environment["perRankBatch"]!.GetValue<int>());
    }

    [Fact]
    public void Commands_that_read_a_run_never_create_its_folder()
    {
        string typo = Path.Combine(TestData.TempFolder(), "typo");
        var (code, output) = CliRunner.Run("predict", "--run", typo, "--data", Data.Value, "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("no such folder", output);
        Assert.Throws<FileNotFoundException>(() => new RunFolder(typo).ReadConfig());
        Assert.False(new RunFolder(typo).IsFinished);
        Assert.False(Directory.Exists(typo));
    }

    [Fact]
    public void Output_files_never_replace_an_input_or_an_existing_file_and_an_unwritable_one_is_refused_before_work()
    {
        string run = HandMadeRun(finished: true);
        string manifest = Path.Combine(Data.Value, "manifest.csv");
        string original = File.ReadAllText(manifest);

        var (code, output) = CliRunner.Run("predict", "--run", run, "--data", manifest, "--out", manifest, "--overwrite", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("is also an input of this command", output);
        Assert.Equal(original, File.ReadAllText(manifest));

        string existing = Path.Combine(TestData.TempFolder(), "predictions.csv");
        File.WriteAllText(existing, "earlier predictions");
        (code, output) = CliRunner.Run("predict", "--run", run, "--data", manifest, "--out", existing, "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("already exists; give another file name, or add --overwrite", output);
        Assert.Equal("earlier predictions", File.ReadAllText(existing));

        (code, output) = CliRunner.Run("predict", "--run", run, "--data", manifest, "--out", TestData.TempFolder(), "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("is a folder; give a file name", output);

        (code, output) = CliRunner.Run("predict", "--run", run, "--data", manifest, "--out", "/proc/p.csv", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("cannot be written", output);
        Assert.Contains("nothing was computed", output);

        // export: a file of the run itself, and its earlier export.
        (code, output) = CliRunner.Run("export", "--run", run, "--out", Path.Combine(run, RunFolder.ResultsFile), "--overwrite");
        Assert.Equal(2, code);
        Assert.Contains("is also an input of this command", output);
        Assert.Equal("{\"mine\": 1}", File.ReadAllText(Path.Combine(run, RunFolder.ResultsFile)));
        File.WriteAllText(Path.Combine(run, "model.safetensors"), "earlier export");
        (code, output) = CliRunner.Run("export", "--run", run);
        Assert.Equal(2, code);
        Assert.Contains("model.safetensors already exists", output);
    }

    [Fact]
    public void An_explain_folder_holding_files_is_refused_unless_overwrite()
    {
        string folder = TestData.TempFolder();
        File.WriteAllText(Path.Combine(folder, "sample0.png"), "earlier picture");
        Assert.Contains("is not empty (it holds sample0.png)", Assert.Throws<IOException>(() => OutputPaths.CheckFilesFolderTarget(folder, "--out", overwrite: false)).Message);
        Assert.Equal(Path.GetFullPath(folder), OutputPaths.CheckFilesFolderTarget(folder, "--out", overwrite: true));
        Assert.Equal(new[] { "sample0.png" }, Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Compare_refuses_a_run_folder_and_a_foreign_folder_as_its_out()
    {
        string run = HandMadeRun(finished: true);
        var (code, output) = CliRunner.Run(Compare(run, 1));
        Assert.Equal(2, code);
        Assert.Contains("is a run folder of 'equimodal train'", output);
        Assert.Equal("{\"mine\": 1}", File.ReadAllText(Path.Combine(run, RunFolder.ResultsFile)));

        string foreign = TestData.TempFolder();
        File.WriteAllText(Path.Combine(foreign, "thesis.tex"), "chapter 1");
        (code, output) = CliRunner.Run(Compare(foreign, 1));
        Assert.Equal(2, code);
        Assert.Contains("not a comparison folder (it holds thesis.tex)", output);
    }

    [Fact]
    public void Aggregate_reads_the_plan_as_the_truth_naming_each_differing_flag_and_reports_a_method_without_rows()
    {
        string grid = TestData.TempFolder();
        var (code, output) = CliRunner.Run(Compare(grid, 2, "--plan"));
        Assert.True(code == 0, output);

        (code, output) = CliRunner.Run(Compare(grid, 3, "--aggregate"));
        Assert.Equal(2, code);
        Assert.Contains("seeds: plan \"1,2\", given \"1,2,3\"", output);
        (code, output) = CliRunner.Run(Compare(grid, 2, "--aggregate", "--lr", "0.1"));
        Assert.Equal(2, code);
        Assert.Contains("--lr: plan 0.001, given 0.1", output);
        Assert.False(File.Exists(Path.Combine(grid, Comparison.ResultsFile)));

        // left-only has no finished row: the report is written over joint's and the missing rows are listed.
        (code, output) = CliRunner.Run(Compare(grid, 2, "--index", "0"));
        Assert.True(code == 0, output);
        (code, output) = CliRunner.Run(Compare(grid, 2, "--aggregate"));
        Assert.True(code == 0, output);
        Assert.Contains("missing: row 2 left-only seed 1", output);
        Assert.Contains("missing: row 3 left-only seed 2", output);
        Assert.Contains("Results over 1 of 4 runs (3 missing", output);
        Assert.Single(JsonNode.Parse(File.ReadAllText(Path.Combine(grid, Comparison.ResultsFile)))!["runs"]!.AsArray());
    }

    [Fact]
    public void A_row_folder_with_another_configuration_is_refused_naming_both_values()
    {
        string grid = TestData.TempFolder();
        var (code, output) = CliRunner.Run(Compare(grid, 1, "--index", "0"));
        Assert.True(code == 0, output);
        File.Delete(Path.Combine(grid, Comparison.PlanSettingsFile));
        File.Delete(Path.Combine(grid, Comparison.PlanFile));
        (code, output) = CliRunner.Run(Compare(grid, 1, "--index", "0", "--lr", "0.01"));
        Assert.Equal(2, code);
        Assert.Contains("holds a finished run with another configuration (--lr: folder 0.001, given 0.01)", output);
    }
}
