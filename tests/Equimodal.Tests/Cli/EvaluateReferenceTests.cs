using System.Text.Json;

namespace Equimodal.Tests.Cli;

/// <summary>`evaluate --reference MODALITY=DIR`: failure gaps against unimodal runs of the same data.</summary>
public class EvaluateReferenceTests
{
    private static readonly Lazy<(string Joint, string AudioOnly)> Runs = new(() =>
    {
        string joint = Train("joint");
        return (joint, Train("audio-only"));
    });

    private static string Train(string method)
    {
        string folder = TestData.TempFolder();
        var (code, output) = CliRunner.Run("train", "--method", method, "--epochs", "1", "--samples", "300", "--width", "4", "--depth", "1",
            "--threads", "1", "--device", "cpu", "--out", folder);
        Assert.True(code == 0, output);
        return folder;
    }

    private static double TestAccuracy(string run)
    {
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "results.json")));
        return results.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble();
    }

    [Fact]
    public void The_failure_gap_is_the_reference_runs_accuracy_minus_the_modalitys_own_logit_accuracy()
    {
        var (joint, audioOnly) = Runs.Value;
        var (code, output) = CliRunner.Run("evaluate", "--run", joint, "--reference", $"audio={audioOnly}", "--json");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        double reference = root.GetProperty("referenceAccuracy").GetProperty("audio").GetDouble();
        double own = root.GetProperty("modalityAccuracy").GetProperty("audio").GetDouble();
        Assert.Equal(TestAccuracy(audioOnly), reference);
        Assert.Equal(reference - own, root.GetProperty("failureGap").GetProperty("audio").GetDouble());
        // Only audio has a reference, so the run's gap is audio's.
        Assert.Equal(reference - own, root.GetProperty("runFailureGap").GetDouble());
        Assert.False(root.GetProperty("failureGap").TryGetProperty("visual", out _));

        var (tableCode, table) = CliRunner.Run("evaluate", "--run", joint, "--reference", $"audio={audioOnly}");
        Assert.True(tableCode == 0, table);
        Assert.Contains("failure gap(audio)", table);
        Assert.Contains($"{100 * (reference - own):F1}", table);
    }

    [Fact]
    public void Without_references_the_json_has_no_failure_gap()
    {
        var (code, output) = CliRunner.Run("evaluate", "--run", Runs.Value.Joint, "--json");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.TryGetProperty("failureGap", out _));
    }

    [Theory]
    [InlineData("joint", "audio", "reads audio, visual, not audio alone")]
    [InlineData("audio-only", "visual", "reads audio, not visual alone")]
    [InlineData("audio-only", "smell", "this run has no modality 'smell'")]
    public void A_reference_that_is_not_a_unimodal_run_of_that_modality_is_refused(string referenceRun, string modality, string message)
    {
        var (joint, audioOnly) = Runs.Value;
        string folder = referenceRun == "joint" ? joint : audioOnly;
        var (code, output) = CliRunner.Run("evaluate", "--run", joint, "--reference", $"{modality}={folder}");
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Theory]
    [InlineData("audio", "expected MODALITY=DIR")]
    [InlineData("audio=/no/such/run", "no such folder /no/such/run")]
    public void A_malformed_reference_is_refused_before_anything_runs(string reference, string message)
    {
        var (code, output) = CliRunner.Run("evaluate", "--run", TestData.TempFolder(), "--reference", reference);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void A_reference_on_other_data_is_refused()
    {
        string joint = Runs.Value.Joint;
        string otherAudio = TestData.TempFolder();
        var (trainCode, trainOutput) = CliRunner.Run("train", "--method", "audio-only", "--epochs", "1", "--samples", "300", "--audio-noise", "0.9",
            "--width", "4", "--depth", "1", "--threads", "1", "--device", "cpu", "--out", otherAudio);
        Assert.True(trainCode == 0, trainOutput);
        var (code, output) = CliRunner.Run("evaluate", "--run", joint, "--reference", $"audio={otherAudio}");
        Assert.Equal(2, code);
        Assert.Contains("trained on other data", output);
    }
}
