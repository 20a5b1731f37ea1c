using System.Diagnostics;
using System.Text.Json.Nodes;
using Equimodal.Experiments;
using Equimodal.Runtime;
using Equimodal.Tests.Cli;
using Equimodal.Tests.Data;

namespace Equimodal.Tests.Training;

/// <summary>Kills a real `equimodal train` child process hard, resumes it, and compares with an uninterrupted run.</summary>
public class KillAndResumeTests
{
    // 300 samples -> 180 training samples -> 12 steps per epoch; checkpoints at steps 4, 8, 12 (epoch end), 16, 20, 24 (end).
    private static readonly string[] TrainArguments =
    {
        "train", "--samples", "300", "--width", "4", "--depth", "1", "--epochs", "2", "--batch-size", "16",
        "--checkpoint-every", "4", "--threads", "1", "--device", "cpu", "--seed", "5",
    };

    private static string CliDll()
    {
        string local = Path.Combine(AppContext.BaseDirectory, "Equimodal.Cli.dll");
        Skip.IfNot(File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Equimodal.Cli.runtimeconfig.json")),
            $"Equimodal.Cli.dll with its runtimeconfig is not in {AppContext.BaseDirectory}");
        return local;
    }

    private static (int ExitCode, string Output) RunChild(string? fault, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll());
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment[FaultInjection.Variable] = fault ?? "";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "child did not finish in 2 minutes");
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string[] Metrics(string folder) => File.ReadAllLines(Path.Combine(folder, RunFolder.MetricsFile)).Select(WithoutTimes).ToArray();

    private static string WithoutTimes(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (string key in new[] { "trainSeconds", "secondsPerStep", "secondsPerEpoch" }) node.Remove(key);
        return node.ToJsonString();
    }

    private static string Uninterrupted()
    {
        string folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run(TrainArguments.Concat(new[] { "--out", folder }).ToArray());
        Assert.True(code == 0, output);
        return folder;
    }

    [SkippableTheory]
    [InlineData("kill-after-step:7", 1)]       // mid-epoch 1, after the step-4 checkpoint
    [InlineData("kill-during-checkpoint:3", 1)] // halfway through writing the end-of-epoch-1 checkpoint (its metrics line is already written)
    [InlineData("kill-during-checkpoint:5", 1)] // halfway through a mid-epoch-2 checkpoint
    public void A_child_killed_hard_and_resumed_ends_with_the_metrics_of_an_uninterrupted_run(string fault, int expectedLinesAtMost)
    {
        string killed = TestData.TempFolder();
        var (code, output) = RunChild(fault, TrainArguments.Concat(new[] { "--out", killed }).ToArray());
        Assert.True(code != 0, $"the child should have been killed: {output}");
        Assert.False(File.Exists(Path.Combine(killed, RunFolder.ResultsFile)));
        Assert.InRange(File.ReadAllLines(Path.Combine(killed, RunFolder.MetricsFile)).Length, 0, expectedLinesAtMost);

        var (resumeCode, resumeOutput) = RunChild(null, "train", "--resume", killed);
        Assert.True(resumeCode == 0, resumeOutput);

        string reference = Uninterrupted();
        Assert.Equal(Metrics(reference), Metrics(killed));
        Assert.Equal(WithoutTimes(File.ReadAllText(Path.Combine(reference, RunFolder.ResultsFile))), WithoutTimes(File.ReadAllText(Path.Combine(killed, RunFolder.ResultsFile))));
        Assert.Empty(Directory.GetFiles(Path.Combine(killed, RunFolder.CheckpointFolder), "*.tmp"));
    }

    [SkippableFact]
    public void A_compare_row_killed_mid_epoch_resumes_from_its_checkpoint_with_the_results_of_an_uninterrupted_row()
    {
        // 32 training samples at batch 8: 4 steps per epoch; checkpoints at steps 2, 4 (epoch end), 6; killed after step 7.
        string data = TinyLayouts.TwoVectors();
        string[] Row(string grid) => new[]
        {
            "compare", "--dataset", "folder", "--data", data, "--methods", "joint", "--seeds", "1", "--epochs", "2", "--batch-size", "8",
            "--checkpoint-every", "2", "--threads", "1", "--device", "cpu", "--out", grid, "--index", "0",
        };
        string killed = TestData.TempFolder();
        string row = Path.Combine(killed, Comparison.RunsFolder, "joint-seed1");
        var (code, output) = RunChild("kill-after-step:7", Row(killed));
        Assert.True(code != 0, $"the child should have been killed: {output}");
        Assert.False(File.Exists(Path.Combine(row, RunFolder.ResultsFile)));
        string firstEpoch = Assert.Single(File.ReadAllLines(Path.Combine(row, RunFolder.MetricsFile)));

        (code, output) = RunChild(null, Row(killed));
        Assert.True(code == 0, output);
        Assert.Contains("The run folder's lock was left by a process that no longer runs (pid ", System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "));

        // Resumed, not retrained: epoch 1's line comes back from the checkpoint with its original timings.
        Assert.Equal(firstEpoch, File.ReadAllLines(Path.Combine(row, RunFolder.MetricsFile))[0]);
        string reference = TestData.TempFolder();
        (code, output) = CliRunner.Run(Row(reference));
        Assert.True(code == 0, output);
        string referenceRow = Path.Combine(reference, Comparison.RunsFolder, "joint-seed1");
        Assert.Equal(Metrics(referenceRow), Metrics(row));
        Assert.Equal(WithoutTimes(File.ReadAllText(Path.Combine(referenceRow, RunFolder.ResultsFile))), WithoutTimes(File.ReadAllText(Path.Combine(row, RunFolder.ResultsFile))));
        Assert.Equal(File.ReadAllBytes(Path.Combine(referenceRow, RunFolder.ModelFile)), File.ReadAllBytes(Path.Combine(row, RunFolder.ModelFile)));
    }
}
