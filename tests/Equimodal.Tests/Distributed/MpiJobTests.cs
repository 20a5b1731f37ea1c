using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Equimodal.Experiments;
using Equimodal.Runtime;
using Equimodal.Tests.Data;

namespace Equimodal.Tests.Distributed;

/// <summary>
/// Real two-rank jobs under OpenMPI's mpirun (skipped, visibly, when mpirun is not installed: apt-get install openmpi-bin).
/// The CLI jobs train on two vector modalities, so the model (MLP encoders) has no BatchNorm and two ranks at batch B must
/// train what one process trains at batch 2B; the collective's values and BatchNorm models are checked through the test
/// host (tests/Equimodal.MpiHost), which prints what every rank holds.
/// </summary>
public class MpiJobTests
{
    private const int Epochs = 2;

    private static readonly Lazy<string> VectorData = new(() => TinyLayouts.TwoVectors());

    private const string Cli = "Equimodal.Cli.dll";

    // tests/Equimodal.MpiHost: runs library code (the collective, the trainer) on every rank and prints what each holds.
    private const string Host = "Equimodal.MpiHost.dll";

    private static string Program(string dll)
    {
        string local = Path.Combine(AppContext.BaseDirectory, dll);
        Skip.IfNot(File.Exists(local), $"{dll} is not in {AppContext.BaseDirectory}");
        Skip.If(FindMpirun() is null, "mpirun is not installed (apt-get install -y openmpi-bin); the data-parallel tests need it.");
        return local;
    }

    private static string? FindMpirun() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);

    private static string[] TrainArguments(string method, int batchSize, string output, params string[] extra) =>
        TrainArgumentsOn(VectorData.Value, method, batchSize, output, extra);

    private static string[] TrainArgumentsOn(string data, string method, int batchSize, string output, params string[] extra) => new[]
    {
        "train", "--dataset", "folder", "--data", data, "--method", method, "--epochs", $"{Epochs}", "--batch-size", $"{batchSize}",
        "--lr", "0.01", "--threads", "1", "--seed", "3", "--out", output,
    }.Concat(extra).ToArray();

    /// <summary>
    /// Runs <paramref name="dll"/> on <paramref name="ranks"/> ranks (plain `dotnet` for one); <paramref name="fault"/> is
    /// armed on every rank, <paramref name="faultOnRank1"/> on rank 1 only.
    /// </summary>
    private static (int ExitCode, string Output, TimeSpan Elapsed) Run(int ranks, string[] arguments, string? faultOnRank1 = null, string? fault = null, string dll = Cli)
    {
        string program = Program(dll);
        var start = new ProcessStartInfo(ranks == 1 ? "dotnet" : FindMpirun()!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment[FaultInjection.Variable] = fault ?? "";
        if (ranks > 1)
        {
            foreach (string a in new[] { "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", $"{ranks}", "-x", "OMP_NUM_THREADS=1", "-x", FaultInjection.Variable }) start.ArgumentList.Add(a);
            if (faultOnRank1 is not null)
            {
                // Only rank 1 gets the fault: OpenMPI's per-rank environment decides it inside a shell.
                start.ArgumentList.Add("sh");
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add($"if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then export {FaultInjection.Variable}={faultOnRank1}; fi; exec dotnet \"$@\"");
                start.ArgumentList.Add("sh");
            }
            else
            {
                start.ArgumentList.Add("dotnet");
            }
        }
        start.ArgumentList.Add(program);
        foreach (string a in arguments) start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), "the job did not finish in 3 minutes");
        return (process.ExitCode, stdout + stderr.Result, clock.Elapsed);
    }

    /// <summary>The "RESULT {json}" line of every rank of a test-host scenario, by rank.</summary>
    private static JsonObject[] HostResults(string scenario, int ranks)
    {
        var (code, output, _) = Run(ranks, new[] { scenario }, dll: Host);
        Assert.True(code == 0, output);
        // A line may start with a terminal control sequence (the console of a rank under mpirun); the JSON follows the marker.
        const string marker = "RESULT ";
        JsonObject[] results = output.Split('\n').Where(line => line.Contains(marker, StringComparison.Ordinal))
            .Select(line => JsonNode.Parse(line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..])!.AsObject()).OrderBy(r => r["rank"]!.GetValue<int>()).ToArray();
        Assert.True(results.Length == ranks, output);
        for (int rank = 0; rank < ranks; rank++)
        {
            Assert.Equal(rank, results[rank]["rank"]!.GetValue<int>());
            Assert.Equal(ranks, results[rank]["world"]!.GetValue<int>());
        }
        return results;
    }

    private static double[] Numbers(JsonObject result, string key) => result[key]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    private static double[] LossesOf(string folder) => File.ReadAllLines(Path.Combine(folder, RunFolder.MetricsFile))
        .SelectMany(line =>
        {
            JsonObject record = JsonNode.Parse(line)!.AsObject();
            return new[] { record["trainLoss"]!.GetValue<double>(), record["validation"]!["loss"]!.GetValue<double>() };
        }).ToArray();

    [SkippableFact]
    public void All_reduce_and_broadcast_leave_every_rank_with_the_hand_computed_values()
    {
        foreach (JsonObject result in HostResults("collectives", ranks: 2))
        {
            // Rank r contributed {r + 1, 10 r, 0.25}, {0.5 (r + 1), -r}, {1 + r, 3 r}; ranks 0 and 1 sum to:
            Assert.Equal(new[] { 3.0, 10, 0.5 }, Numbers(result, "floats"));
            Assert.Equal(new[] { 1.5, -1 }, Numbers(result, "doubles"));
            Assert.Equal(new[] { 3.0, 3 }, Numbers(result, "sum"));
            Assert.Equal(new[] { 1.5, 1.5 }, Numbers(result, "mean"));
            // Tensors {r, 2r + 1} and {{4r, -1}, {r^2, 0}} averaged in place through one flat buffer.
            Assert.Equal(new[] { 0.5, 2, 2, -1, 0.5, 0 }, Numbers(result, "averaged"));
            // Broadcasts copy the root's values: rank 0's bytes {0, 10, 20}, rank 1's {101}, rank 0's tensors {7, 0} and {0.1}.
            Assert.Equal(new[] { 0.0, 10, 20 }, Numbers(result, "fromRoot0"));
            Assert.Equal(new[] { 101.0 }, Numbers(result, "fromLast"));
            Assert.Equal(new[] { 7.0, 0 }, Numbers(result, "broadcastLongs"));
            Assert.Equal(new[] { 0.1 }, Numbers(result, "broadcastDoubles"));
        }
    }

    [SkippableFact]
    public void With_batchnorm_every_rank_ends_with_identical_weights_and_running_statistics()
    {
        JsonObject[] ranks = HostResults("batchnorm-training", ranks: 2);
        Assert.True(ranks[0]["runningStatistics"]!.GetValue<int>() > 0, "the model should have BatchNorm layers");
        Assert.True(ranks[0]["runningVarianceMoved"]!.GetValue<bool>(), "training should have moved the running statistics");
        Assert.Equal(ranks[0]["weights"]!.GetValue<string>(), ranks[1]["weights"]!.GetValue<string>());
        Assert.Equal(ranks[0]["buffers"]!.GetValue<string>(), ranks[1]["buffers"]!.GetValue<string>());
    }

    private static string[] MetricsWithoutTimes(string folder) => File.ReadAllLines(Path.Combine(folder, RunFolder.MetricsFile)).Select(line =>
    {
        JsonObject record = JsonNode.Parse(line)!.AsObject();
        foreach (string key in new[] { "trainSeconds", "secondsPerStep", "secondsPerEpoch" }) record.Remove(key);
        return record.ToJsonString();
    }).ToArray();

    [SkippableTheory]
    [InlineData("joint")]
    [InlineData("ogm-ge", "parameters=all")]
    [InlineData("mmpareto")]
    [InlineData("attr-reg")]
    [InlineData("attr-reg", "unimodal-weight=1")]
    [InlineData("attr-reg", "attribution-layer=last-block")]
    [InlineData("attr-reg", "embedding-norm=l2")]
    [InlineData("attr-reg", "distill-weight=1")]
    [InlineData("attr-reg", "pooling=net")]
    [InlineData("attr-reg", "penalty-direction=down")]
    public void Two_ranks_at_batch_b_train_what_one_process_trains_at_batch_2b(string method, string? option = null)
    {
        string[] extra = option is null ? Array.Empty<string>() : new[] { "--method-option", option };
        string parallel = TrainOneAndTwoRanksAlike(method, (batchSize, output) => TrainArguments(method, batchSize, output, extra)).Parallel;
        Assert.True(File.Exists(Path.Combine(parallel, RunFolder.ResultsFile)));
    }

    [SkippableFact]
    public void Two_ranks_with_averaged_weights_validate_and_keep_what_one_process_does()
    {
        // The average is updated on every rank from the same weights; the validated losses compared are the average's.
        var (single, parallel) = TrainOneAndTwoRanksAlike("joint --ema", (batchSize, output) => TrainArguments("joint", batchSize, output, "--ema", "0.9"));
        double TestLoss(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunFolder.ResultsFile)))!["test"]!["loss"]!.GetValue<double>();
        Assert.Equal(TestLoss(single), TestLoss(parallel), 4);
    }

    /// <summary>
    /// Trains one process at batch 8 and two ranks at batch 4 with <paramref name="arguments"/> (batch size, output
    /// folder) and checks that their train and validation losses agree to 1e-5; returns both run folders.
    /// </summary>
    private static (string Single, string Parallel) TrainOneAndTwoRanksAlike(string label, Func<int, string, string[]> arguments)
    {
        string single = TestData.TempFolder(), parallel = TestData.TempFolder();
        var (code, output, _) = Run(1, arguments(8, single));
        Assert.True(code == 0, output);
        (code, output, _) = Run(2, arguments(4, parallel));
        Assert.True(code == 0, output);
        double[] expected = LossesOf(single), actual = LossesOf(parallel);
        // One metrics line per epoch: only rank 0 appended.
        Assert.Equal(2 * Epochs, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"{label}: loss {i} is {actual[i]} on 2 ranks, {expected[i]} on one ({output})");
        return (single, parallel);
    }

    private static readonly Lazy<string> RegressionData = new(() => TinyLayouts.TwoVectors("regression"));

    private static readonly Lazy<string> MultiLabelData = new(() => TinyLayouts.TwoVectors("multilabel"));

    [SkippableTheory]
    [InlineData("regression", "joint")]
    [InlineData("regression", "attr-reg")]
    [InlineData("regression", "mmpareto")]
    [InlineData("regression", "left-only")]
    [InlineData("multilabel", "joint")]
    [InlineData("multilabel", "attr-reg")]
    [InlineData("multilabel", "mmpareto")]
    [InlineData("multilabel", "left-only")]
    public void Two_ranks_train_a_regression_or_multi_label_task_as_one_process_does(string task, string method)
    {
        string data = task == "regression" ? RegressionData.Value : MultiLabelData.Value;
        var (single, parallel) = TrainOneAndTwoRanksAlike($"{task} {method}", (batchSize, output) => TrainArgumentsOn(data, method, batchSize, output, "--task", task));
        // The task's main metric on test (CCC or mAP) agrees too.
        double MainMetric(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunFolder.ResultsFile)))!["test"]!["accuracy"]!.GetValue<double>();
        Assert.Equal(MainMetric(single), MainMetric(parallel), 4);
        Assert.Equal(task == "regression" ? "CCC" : "mAP", JsonNode.Parse(File.ReadAllText(Path.Combine(parallel, RunFolder.ResultsFile)))!["test"]!["task"]!["mainMetric"]!.GetValue<string>());
    }

    [SkippableFact]
    public void One_rank_throwing_ends_the_job_non_zero_within_seconds_with_the_message_once()
    {
        var (code, output, elapsed) = Run(2, TrainArguments("joint", 4, TestData.TempFolder()), faultOnRank1: "throw-after-step:2");
        Assert.NotEqual(0, code);
        string message = "Injected fault after step 2";
        Assert.Equal(1, output.Split(message).Length - 1);
        Assert.Contains("rank 1:", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"the job took {elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s to end");
    }

    [SkippableFact]
    public void A_two_rank_job_killed_and_resumed_on_two_ranks_ends_bit_identical_to_an_uninterrupted_one()
    {
        // 32 samples, 2 ranks x batch 4: 4 steps per epoch, checkpoints at steps 2, 4 (epoch end), 6, 8; killed after step 3.
        string killed = TestData.TempFolder(), reference = TestData.TempFolder();
        var (code, output, _) = Run(2, TrainArguments("joint", 4, killed, "--checkpoint-every", "2"), fault: "kill-after-step:3");
        Assert.True(code != 0, $"the job should have been killed: {output}");
        Assert.False(File.Exists(Path.Combine(killed, RunFolder.ResultsFile)));
        (code, output, _) = Run(2, new[] { "train", "--resume", killed });
        Assert.True(code == 0, output);
        (code, output, _) = Run(2, TrainArguments("joint", 4, reference, "--checkpoint-every", "2"));
        Assert.True(code == 0, output);
        Assert.Equal(MetricsWithoutTimes(reference), MetricsWithoutTimes(killed));
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, RunFolder.ModelFile)), File.ReadAllBytes(Path.Combine(killed, RunFolder.ModelFile)));
    }

    [SkippableFact]
    public void An_epoch_end_checkpoint_of_one_process_resumed_on_two_ranks_trains_what_one_process_trains()
    {
        // One process at batch 8 (4 steps per epoch) killed in epoch 2: its newest checkpoint is the end of epoch 1.
        string resumed = TestData.TempFolder(), single = TestData.TempFolder();
        var (code, output, _) = Run(1, TrainArguments("joint", 8, resumed), fault: "kill-after-step:5");
        Assert.True(code != 0, $"the run should have been killed: {output}");
        (code, output, _) = Run(2, new[] { "train", "--resume", resumed });
        Assert.True(code == 0, output);
        Assert.Contains("batch 4 per rank keeps 8 samples per step", output);
        (code, output, _) = Run(1, TrainArguments("joint", 8, single));
        Assert.True(code == 0, output);
        double[] expected = LossesOf(single), actual = LossesOf(resumed);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"loss {i} is {actual[i]} resumed on 2 ranks, {expected[i]} in one process");
    }

    [SkippableFact]
    public void A_mid_epoch_checkpoint_resumed_on_another_number_of_ranks_is_refused_naming_both()
    {
        string killed = TestData.TempFolder();
        var (code, output, _) = Run(1, TrainArguments("joint", 8, killed, "--checkpoint-every", "2"), fault: "kill-after-step:3");
        Assert.True(code != 0, $"the run should have been killed: {output}");
        (code, output, _) = Run(2, new[] { "train", "--resume", killed });
        Assert.NotEqual(0, code);
        Assert.Contains("written by 1 rank at batch 8 per rank", output);
        Assert.Contains("this job has 2 ranks", output);
        Assert.Contains("middle of epoch 1 (step 2)", output);
    }

    [SkippableFact]
    public void A_method_that_is_not_data_parallel_exact_fails_clearly_under_mpirun()
    {
        var (code, output, _) = Run(2, TrainArguments("modality-dropout", 4, TestData.TempFolder()));
        Assert.NotEqual(0, code);
        Assert.Contains("modality-dropout draws its masks", output);
    }
}
