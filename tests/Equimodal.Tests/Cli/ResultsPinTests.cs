using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Text.Json.Nodes;
using Equimodal.Runtime;

namespace Equimodal.Tests.Cli;

/// <summary>
/// Pins a small comparison's results.json value for value: refactors of the trainer, the step and the methods must
/// leave every number bit-identical. Float results depend on the kernels, so the pinned file is per CPU kind and
/// kernel choice; a CPU without a pinned file skips with the command that records one.
/// </summary>
public class ResultsPinTests
{
    private static readonly string[] SmallComparison =
    {
        "compare", "--methods", "joint,attr-reg,mla,lfm", "--seeds", "1", "--epochs", "2", "--samples", "300", "--threads", "1",
        "--device", "cpu",
    };

    /// <summary>Set to 1 to write the pinned file for this CPU kind instead of comparing with it.</summary>
    private const string RecordVariable = "EQUIMODAL_RECORD_PINS";

    [SkippableFact]
    public void A_small_comparison_gives_the_pinned_results_on_this_cpu_kind()
    {
        string folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run([.. SmallComparison, "--out", folder]);
        Assert.True(code == 0, output);
        string results = WithoutTimesAndPaths(File.ReadAllText(Path.Combine(folder, "results.json")));
        string pinned = PinnedFile();
        if (Environment.GetEnvironmentVariable(RecordVariable) == "1")
        {
            File.WriteAllText(pinned, results);
            return;
        }
        Skip.IfNot(File.Exists(pinned),
            $"no pinned results for this CPU kind and kernel choice ({CpuKind()}); record them with {RecordVariable}=1 on a commit known to be right");
        Assert.Equal(File.ReadAllText(pinned), results);
    }

    [Fact]
    public void Timing_the_output_path_and_the_machine_are_left_out_and_everything_else_is_kept()
    {
        string json = """{"command":"equimodal compare --out /tmp/x","runs":[{"machine":"AMD EPYC (x86 family 25 model 1), oneDNN on","accuracy":0.25,"diagnostics":{"trainSeconds":1.5,"secondsPerStep":0.1}}],"summary":[{"metrics":{"secondsPerEpoch":{"mean":1},"accuracy":{"mean":0.25}}}]}""";
        Assert.Equal("""{"runs":[{"accuracy":0.25,"diagnostics":{}}],"summary":[{"metrics":{"accuracy":{"mean":0.25}}}]}""",
            JsonNode.Parse(WithoutTimesAndPaths(json))!.ToJsonString());
    }

    /// <summary>
    /// results.json without wall-clock fields (any key containing "seconds"), the command line (it names the temporary
    /// folder) and each run's machine (the pinned file is chosen by it; the brand string differs between machines of one kind).
    /// </summary>
    private static string WithoutTimesAndPaths(string json)
    {
        JsonNode node = JsonNode.Parse(json)!;
        node.AsObject().Remove("command");
        RemoveTimes(node);
        return node.ToJsonString(new() { WriteIndented = true });
    }

    private static void RemoveTimes(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (string key in obj.Select(p => p.Key).Where(k => k.Contains("seconds", StringComparison.OrdinalIgnoreCase) || k == "machine").ToArray()) obj.Remove(key);
                foreach (var property in obj) RemoveTimes(property.Value);
                break;
            case JsonArray array:
                foreach (JsonNode? item in array) RemoveTimes(item);
                break;
        }
    }

    /// <summary>Vendor, x86 family and model, and whether oneDNN's kernels are on: what decides the float rounding.</summary>
    private static string CpuKind()
    {
        if (!X86Base.IsSupported) return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}-onednn-{(NativeRuntime.OneDnnEnabled ? "on" : "off")}".ToLowerInvariant();
        (int _, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        string vendor = string.Concat(new[] { ebx, edx, ecx }.Select(r => System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(r))));
        int signature = X86Base.CpuId(1, 0).Eax;
        int model = ((signature >> 4) & 0xF) | (((signature >> 16) & 0xF) << 4);
        return $"{vendor}-family{NativeRuntime.ProcessorFamily()}-model{model}-onednn-{(NativeRuntime.OneDnnEnabled ? "on" : "off")}";
    }

    private static string PinnedFile([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Pins", $"compare-small.{CpuKind()}.json");
}
