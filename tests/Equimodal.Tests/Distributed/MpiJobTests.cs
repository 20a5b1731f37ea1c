using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Equimodal.Reporting;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Distributed;

/// <summary>
/// Real two-rank jobs under OpenMPI's mpirun (skipped, visibly, when mpirun is not installed: apt-get install openmpi-bin).
/// The data has two vector modalities, so the model (MLP encoders) has no BatchNorm and two ranks at batch B must train
/// what one process trains at batch 2B.
/// </summary>
public class MpiJobTests
{
    private const int Epochs = 2;

    private static readonly Lazy<string> VectorData = new(TinyLayouts.TwoVectors);

    private static string CliDll()
    {
        string local = Path.Combine(AppContext.BaseDirectory, "Equimodal.Cli.dll");
        Skip.IfNot(File.Exists(local), $"Equimodal.Cli.dll is not in {AppContext.BaseDirectory}");
        Skip.If(FindMpirun() is null, "mpirun is not installed (apt-get install -y openmpi-bin); the data-parallel tests need it.");
        return local;
    }

    private static string? FindMpirun() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);

    private static string[] TrainArguments(string method, int batchSize, string output, params string[] extra) => new[]
    {
        "train", "--dataset", "folder", "--data", VectorData.Value, "--method", method, "--epochs", $"{Epochs}", "--batch-size", $"{batchSize}",
        "--lr", "0.01", "--threads", "1", "--seed", "3", "--out", output,
    }.Concat(extra).ToArray();

    private static (int ExitCode, string Output, TimeSpan Elapsed) Run(int ranks, string[] arguments, string? faultOnRank1 = null)
    {
        string dll = CliDll();
        var start = new ProcessStartInfo(ranks == 1 ? "dotnet" : FindMpirun()!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (ranks > 1)
        {
            foreach (string a in new[] { "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", $"{ranks}", "-x", "OMP_NUM_THREADS=1" }) start.ArgumentList.Add(a);
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
        start.ArgumentList.Add(dll);
        foreach (string a in arguments) start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), "the job did not finish in 3 minutes");
        return (process.ExitCode, stdout + stderr.Result, clock.Elapsed);
    }

    private static double[] LossesOf(string folder) => File.ReadAllLines(Path.Combine(folder, RunFolder.MetricsFile))
        .SelectMany(line =>
        {
            JsonObject record = JsonNode.Parse(line)!.AsObject();
            return new[] { record["trainLoss"]!.GetValue<double>(), record["validation"]!["loss"]!.GetValue<double>() };
        }).ToArray();

    [SkippableTheory]
    [InlineData("joint")]
    [InlineData("ogm-ge", "parameters=all")]
    [InlineData("mmpareto")]
    [InlineData("attr-reg")]
    public void Two_ranks_at_batch_b_train_what_one_process_trains_at_batch_2b(string method, string? option = null)
    {
        string[] extra = option is null ? Array.Empty<string>() : new[] { "--method-option", option };
        string single = TestData.TempFolder(), parallel = TestData.TempFolder();
        var (code, output, _) = Run(1, TrainArguments(method, 8, single, extra));
        Assert.True(code == 0, output);
        (code, output, _) = Run(2, TrainArguments(method, 4, parallel, extra));
        Assert.True(code == 0, output);
        double[] expected = LossesOf(single), actual = LossesOf(parallel);
        // One metrics line per epoch: only rank 0 appended.
        Assert.Equal(2 * Epochs, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"{method}: loss {i} is {actual[i]} on 2 ranks, {expected[i]} on one ({output})");
        Assert.True(File.Exists(Path.Combine(parallel, RunFolder.ResultsFile)));
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
    public void A_method_that_is_not_data_parallel_exact_fails_clearly_under_mpirun()
    {
        var (code, output, _) = Run(2, TrainArguments("modality-dropout", 4, TestData.TempFolder()));
        Assert.NotEqual(0, code);
        Assert.Contains("modality-dropout draws its masks", output);
    }
}
