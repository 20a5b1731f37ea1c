using System.Buffers.Binary;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Tests.Cli;

namespace Equimodal.Tests.Models;

/// <summary>Every weights file Equimodal writes carries a SHA-256 checked on every load; unreadable files are named.</summary>
public class WeightChecksumTests
{
    private static string SavedRun() =>
        UntrainedRun.Create(new DatasetRequest { Synthetic = TestData.SmallSynthetic with { Samples = 120 } }, TestData.TinyModel with { Depth = 1 });

    private static void FlipBytes(string file, int count)
    {
        byte[] bytes = File.ReadAllBytes(file);
        for (int i = 0; i < count; i++) bytes[bytes.Length / 2 + i] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
    }

    // Each command runs twice on the same run: the writing ones replace their earlier output.
    private static readonly string[][] Loads =
    {
        new[] { "evaluate", "--device", "cpu" },
        new[] { "explain", "--count", "1", "--steps", "2", "--device", "cpu", "--overwrite" },
        new[] { "export", "--format", "safetensors", "--overwrite" },
    };

    [Fact]
    public void Every_command_that_loads_model_bin_refuses_a_corrupted_or_truncated_one_naming_it()
    {
        string run = SavedRun();
        string weights = Path.Combine(run, RunFolder.ModelFile);
        foreach (string[] load in Loads)
        {
            var (code, output) = CliRunner.Run(load.Take(1).Concat(new[] { "--run", run }).Concat(load.Skip(1)).ToArray());
            Assert.True(code == 0, $"{load[0]}: {output}");
        }
        byte[] good = File.ReadAllBytes(weights);
        FlipBytes(weights, 64);
        foreach (string[] load in Loads)
        {
            var (code, output) = CliRunner.Run(load.Take(1).Concat(new[] { "--run", run }).Concat(load.Skip(1)).ToArray());
            Assert.Equal(2, code);
            Assert.Contains($"{weights} does not match its SHA-256 checksum", output.Replace("\n", ""));
        }
        File.WriteAllBytes(weights, good[..(good.Length / 2)]);
        var (truncatedCode, truncated) = CliRunner.Run("evaluate", "--run", run);
        Assert.Equal(2, truncatedCode);
        Assert.Contains("does not match its SHA-256 checksum", truncated.Replace("\n", ""));
        File.Delete(weights + WeightChecksum.Suffix);
        File.WriteAllBytes(weights, good);
        Assert.Contains("has no checksum file model.bin.sha256", CliRunner.Run("evaluate", "--run", run).Output.Replace("\n", ""));
    }

    [Fact]
    public void Init_weights_are_verified_against_the_checksum_export_writes()
    {
        string run = SavedRun();
        string exported = Path.Combine(run, "export.safetensors");
        Assert.Equal(0, CliRunner.Run("export", "--run", run, "--out", exported).ExitCode);
        Assert.True(File.Exists(exported + WeightChecksum.Suffix));
        FlipBytes(exported, 64);
        var (code, output) = CliRunner.Run("train", "--samples", "120", "--width", "8", "--depth", "1", "--epochs", "1", "--threads", "1",
            "--device", "cpu", "--init-weights", exported, "--out", TestData.TempFolder());
        Assert.Equal(2, code);
        Assert.Contains($"{exported} does not match its SHA-256 checksum", output.Replace("\n", ""));
    }

    [Fact]
    public void Unreadable_weight_files_are_named_with_what_is_wrong()
    {
        string run = SavedRun();
        string pt = Path.Combine(run, "model.pt");
        Assert.Equal(0, CliRunner.Run("export", "--run", run, "--format", "pt", "--out", pt).ExitCode);
        File.Delete(pt + WeightChecksum.Suffix);
        File.WriteAllBytes(pt, File.ReadAllBytes(pt)[..200]);
        var error = Assert.Throws<InvalidDataException>(() => WeightInterchange.ReadStateDict(pt));
        Assert.StartsWith($"{pt} is not a readable PyTorch (.pt) weights file", error.Message);

        string huge = Path.Combine(run, "huge.safetensors");
        byte[] header = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(header, 1UL << 63);
        File.WriteAllBytes(huge, header);
        Assert.Equal($"{huge} declares a header of 9223372036854775808 bytes but only 56 follow (truncated or not a safetensors file).",
            Assert.Throws<InvalidDataException>(() => WeightInterchange.ReadStateDict(huge)).Message);
    }

    [Fact]
    public void An_invalid_config_json_is_named_on_resume()
    {
        string run = SavedRun();
        string config = Path.Combine(run, RunFolder.ConfigFile);
        File.WriteAllText(config, "{ \"method\": ");
        var (code, output) = CliRunner.Run("train", "--resume", run);
        Assert.Equal(2, code);
        Assert.Contains($"{config} is not a valid run configuration", output.Replace("\n", ""));
    }
}
