using System.Text.Json;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Reporting;
using Equimodal.Tests.Data;

namespace Equimodal.Tests.Cli;

/// <summary>Running a saved model on other data: classes matched by name; skipped samples reported by compare; NaN as null.</summary>
public class SavedRunDataTests
{
    private static string SavedRun(string data) => UntrainedRun.Create(new DatasetRequest { Name = "folder", Path = data }, TestData.TinyModel);

    private static string EvaluateJson(string run, string? data = null)
    {
        var args = new List<string> { "evaluate", "--run", run, "--json", "--device", "cpu" };
        if (data is not null) args.AddRange(new[] { "--data", data });
        var (code, output) = CliRunner.Run(args.ToArray());
        Assert.True(code == 0, output);
        return output;
    }

    [Fact]
    public void Evaluate_maps_classes_listed_in_another_order_by_name()
    {
        string[] classes = { "cat", "dog", "owl" };
        string original = HostileDataTests.VectorManifest(classes);
        string run = SavedRun(original);
        string reordered = HostileDataTests.VectorManifest(classes);
        File.WriteAllLines(Path.Combine(reordered, "classes.txt"), new[] { "owl", "cat", "dog" });
        Assert.Equal(EvaluateJson(run), EvaluateJson(run, reordered));
    }

    [Fact]
    public void A_dataset_class_the_model_never_learned_is_an_error_naming_it()
    {
        string run = SavedRun(HostileDataTests.VectorManifest(new[] { "cat", "dog", "owl" }));
        string wider = HostileDataTests.VectorManifest(new[] { "cat", "dog", "owl", "yak" });
        foreach (string command in new[] { "evaluate", "explain" })
        {
            var (code, output) = CliRunner.Run(command, "--run", run, "--data", wider);
            Assert.Equal(2, code);
            Assert.Contains("The dataset has class(es) yak that the model of", output);
            Assert.Contains("it knows cat, dog, owl", output);
        }
    }

    [Fact]
    public void A_dataset_with_some_of_the_model_classes_keeps_their_indices()
    {
        var splits = ManifestDataset.Load(HostileDataTests.VectorManifest(new[] { "dog", "owl" }), new DataLoadingOptions());
        DatasetSplits mapped = ClassMapping.ToModelClasses(splits, new[] { "cat", "dog", "owl" }, "the model");
        Assert.Equal(new[] { "cat", "dog", "owl" }, mapped.ClassNames);
        int[] labels = Enumerable.Range(0, mapped.Test.Count).Select(mapped.Test.LabelOf).ToArray();
        Assert.Equal(new[] { 1, 2 }, labels);
        using Batch batch = mapped.Test.GetBatch(new[] { 0, 1 }, Augmentation.None);
        Assert.Equal(new long[] { 1, 2 }, batch.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Compare_reports_skipped_samples_on_the_console_and_in_its_results()
    {
        string data = HostileDataTests.VectorManifest(new[] { "cat", "dog" });
        TinyLayouts.WriteNpy(Path.Combine(data, "a", "s1_2.npy"), new[] { float.NaN, 0f, 0f });
        string output = TestData.TempFolder();
        var (code, console) = CliRunner.Run("compare", "--dataset", "folder", "--data", data, "--on-bad-sample", "skip", "--methods", "joint",
            "--seeds", "1", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--device", "cpu", "--out", output);
        Assert.True(code == 0, console);
        Assert.Contains("Skipped 1 bad sample(s):", console);
        Assert.Contains("s1_2:", console);
        using JsonDocument results = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        JsonElement skipped = results.RootElement.GetProperty("dataReport").GetProperty("skipped");
        Assert.Equal("s1_2", Assert.Single(skipped.EnumerateArray()).GetProperty("id").GetString());
        Assert.Contains("s1_2: ", File.ReadAllText(Path.Combine(output, "results.md")));
    }

    [Fact]
    public void Undefined_numbers_are_written_as_null_and_read_back_as_nan()
    {
        var result = new EvaluationResult { Accuracy = 0.5, MacroAuc = double.NaN };
        string json = JsonSerializer.Serialize(result, Json.Indented);
        Assert.Contains("\"macroAuc\": null", json);
        Assert.DoesNotContain("NaN", json);
        Assert.True(double.IsNaN(JsonSerializer.Deserialize<EvaluationResult>(json, Json.Indented)!.MacroAuc));
        Assert.True(double.IsNaN(JsonSerializer.Deserialize<EvaluationResult>("{\"macroAuc\": \"NaN\"}", Json.Indented)!.MacroAuc));
    }
}
