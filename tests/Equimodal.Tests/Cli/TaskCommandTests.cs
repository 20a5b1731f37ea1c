using System.Globalization;
using System.Text.Json;
using Equimodal.Tests.Data;

namespace Equimodal.Tests.Cli;

/// <summary>Train, evaluate and predict a regression and a multi-label task from a manifest of real WAV and PNG files.</summary>
public class TaskCommandTests
{
    private static readonly string[] SmallRun =
    {
        "--dataset", "folder", "--epochs", "2", "--width", "4", "--depth", "1", "--batch-size", "6", "--threads", "1", "--device", "cpu",
        "--audio-preset", "logmel", "--sample-rate", "8000", "--n-fft", "128", "--hop", "64", "--mels", "16", "--clip-seconds", "0.25", "--image-size", "16",
    };

    private static (string Run, JsonElement Results) Train(string root, params string[] flags)
    {
        string run = TestData.TempFolder();
        var (code, output) = CliRunner.Run(new[] { "train", "--data", root, "--out", run }.Concat(SmallRun).Concat(flags).ToArray());
        Assert.True(code == 0, output);
        return (run, JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "results.json"))).RootElement);
    }

    [Fact]
    public void A_regression_task_trains_evaluates_and_predicts_the_numbers_from_a_manifest()
    {
        string root = TaskLayouts.AudioVisual();
        var (run, results) = Train(root, "--task", "regression", "--method", "attr-reg");
        JsonElement test = results.GetProperty("test");
        Assert.Equal("CCC", test.GetProperty("task").GetProperty("mainMetric").GetString());
        Assert.Equal(test.GetProperty("task").GetProperty("metrics").GetProperty("CCC").GetDouble(), test.GetProperty("accuracy").GetDouble());
        Assert.Equal(new[] { "picture", "sound" }, test.GetProperty("task").GetProperty("modalityMetrics").EnumerateObject().Select(p => p.Name).Order());
        using (JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            Assert.Equal("Regression", config.RootElement.GetProperty("task").GetString());
            Assert.Equal("score", config.RootElement.GetProperty("classNames")[0].GetString());
        }

        var (code, evaluated) = CliRunner.Run("evaluate", "--run", run, "--json");
        Assert.True(code == 0, evaluated);
        using (JsonDocument again = JsonDocument.Parse(evaluated))
            Assert.Equal(test.GetProperty("task").GetProperty("metrics").GetProperty("MAE").GetDouble(), again.RootElement.GetProperty("task").GetProperty("metrics").GetProperty("MAE").GetDouble());

        string predictions = Path.Combine(TestData.TempFolder(), "predictions.csv");
        (code, string text) = CliRunner.Run("predict", "--run", run, "--data", root, "--out", predictions);
        Assert.True(code == 0, text);
        string[] lines = File.ReadAllLines(predictions);
        Assert.Equal("id,missing,score,share_sound,share_picture", lines[0]);
        Dictionary<string, double> targets = TaskLayouts.Scores(root);
        Dictionary<string, string> splits = TaskLayouts.Splits(root);
        double[] errors = lines.Skip(1).Select(l => l.Split(',')).Where(v => splits[v[0]] == "test")
            .Select(v => Math.Abs(double.Parse(v[2], CultureInfo.InvariantCulture) - targets[v[0]])).ToArray();
        Assert.Equal(9, errors.Length);
        // The predicted numbers are the model's: their test MAE is the one training reported (up to the file's 6 decimals).
        Assert.Equal(test.GetProperty("task").GetProperty("metrics").GetProperty("MAE").GetDouble(), errors.Average(), 5);
    }

    [Fact]
    public void A_multi_label_task_is_the_manifests_default_and_predicts_the_label_set_at_the_validation_threshold()
    {
        string root = TaskLayouts.AudioVisual();
        var (run, results) = Train(root, "--method", "joint");
        JsonElement test = results.GetProperty("test");
        Assert.Equal("mAP", test.GetProperty("task").GetProperty("mainMetric").GetString());
        double threshold = results.GetProperty("validation").GetProperty("task").GetProperty("labelThreshold").GetDouble();
        Assert.Equal(threshold, test.GetProperty("task").GetProperty("labelThreshold").GetDouble());
        Assert.Equal(
            new[] { "F1-macro", "F1-micro", "hamming-loss", "mAP", "mAP-micro", "subset-accuracy" },
            test.GetProperty("task").GetProperty("metrics").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var (code, evaluated) = CliRunner.Run("evaluate", "--run", run, "--json");
        Assert.True(code == 0, evaluated);
        using (JsonDocument again = JsonDocument.Parse(evaluated))
        {
            Assert.Equal(threshold, again.RootElement.GetProperty("task").GetProperty("labelThreshold").GetDouble());
            Assert.Equal(test.GetProperty("task").GetProperty("metrics").GetProperty("F1-micro").GetDouble(), again.RootElement.GetProperty("task").GetProperty("metrics").GetProperty("F1-micro").GetDouble());
        }

        string predictions = Path.Combine(TestData.TempFolder(), "predictions.jsonl");
        (code, string text) = CliRunner.Run("predict", "--run", run, "--data", root, "--out", predictions);
        Assert.True(code == 0, text);
        string[] lines = File.ReadAllLines(predictions);
        Assert.Equal(36, lines.Length);
        foreach (string line in lines)
        {
            using JsonDocument row = JsonDocument.Parse(line);
            string[] expected = row.RootElement.GetProperty("probabilities").EnumerateObject().Where(p => p.Value.GetDouble() >= Math.Round(threshold, 6) - 1e-6)
                .Select(p => p.Name).ToArray();
            Assert.Equal(new[] { "colour0", "colour1", "colour2", "tone0", "tone1", "tone2" }, row.RootElement.GetProperty("probabilities").EnumerateObject().Select(p => p.Name));
            Assert.Equal(expected, row.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        }
    }

    [Fact]
    public void A_score_range_adds_the_sentiment_accuracies_to_train_evaluate_and_compare_and_is_recorded()
    {
        string root = TaskLayouts.AudioVisual(scoreOffset: -2);
        var (run, results) = Train(root, "--task", "regression", "--method", "joint", "--score-range", "-3,3");
        JsonElement metrics = results.GetProperty("test").GetProperty("task").GetProperty("metrics");
        using (JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            JsonElement range = config.RootElement.GetProperty("dataset").GetProperty("files").GetProperty("task").GetProperty("scoreRange");
            Assert.Equal((-3, 3), (range.GetProperty("low").GetInt32(), range.GetProperty("high").GetInt32()));
        }

        // The accuracies are those of the predicted numbers (predict writes them to 6 decimals).
        string predictions = Path.Combine(TestData.TempFolder(), "predictions.csv");
        var (code, text) = CliRunner.Run("predict", "--run", run, "--data", root, "--out", predictions);
        Assert.True(code == 0, text);
        Dictionary<string, double> targets = TaskLayouts.Scores(root);
        Dictionary<string, string> splits = TaskLayouts.Splits(root);
        string[][] test = File.ReadAllLines(predictions).Skip(1).Select(l => l.Split(',')).Where(v => splits[v[0]] == "test").ToArray();
        Equimodal.Evaluation.TaskMetrics.SentimentAccuracies expected = Equimodal.Evaluation.TaskMetrics.RegressionMetrics.ScoreAccuracies(
            test.Select(v => double.Parse(v[2], CultureInfo.InvariantCulture)).ToArray(), test.Select(v => targets[v[0]]).ToArray(), -3, 3);
        Assert.Equal(expected.Binary, metrics.GetProperty("acc-2").GetDouble(), 12);
        Assert.Equal(expected.NonZeroBinary, metrics.GetProperty("acc-2-nonzero").GetDouble(), 12);
        Assert.Equal(expected.Classes, metrics.GetProperty("acc-7").GetDouble(), 12);

        (code, string evaluated) = CliRunner.Run("evaluate", "--run", run, "--json");
        Assert.True(code == 0, evaluated);
        using (JsonDocument again = JsonDocument.Parse(evaluated))
            Assert.Equal(metrics.GetProperty("acc-7").GetDouble(), again.RootElement.GetProperty("task").GetProperty("metrics").GetProperty("acc-7").GetDouble());

        string comparison = TestData.TempFolder();
        string[] compare = new[] { "compare", "--data", root, "--out", comparison, "--task", "regression", "--methods", "joint", "--seeds", "1", "--score-range", "-3,3" }
            .Concat(SmallRun).ToArray();
        (code, text) = CliRunner.Run(compare);
        Assert.True(code == 0, text);
        // Run again, the finished run is read back (its recorded task is the one the data serves).
        (code, text) = CliRunner.Run(compare);
        Assert.True(code == 0, text);
        string header = File.ReadAllLines(Path.Combine(comparison, "results.md"))[0];
        Assert.StartsWith("| method | CCC x100 | MAE | RMSE | Pearson | R2 | acc-2 | acc-2-nonzero | acc-7 | CCC(", header);

        // Without the option nothing is added or recorded; on another task it is refused.
        var (plain, plainResults) = Train(root, "--task", "regression", "--method", "joint");
        Assert.False(plainResults.GetProperty("test").GetProperty("task").GetProperty("metrics").TryGetProperty("acc-2", out _));
        Assert.DoesNotContain("scoreRange", File.ReadAllText(Path.Combine(plain, "config.json")));
        (code, text) = CliRunner.Run(new[] { "train", "--data", root, "--out", TestData.TempFolder(), "--score-range", "-3,3" }.Concat(SmallRun).ToArray());
        Assert.NotEqual(0, code);
        Assert.Contains("--score-range applies to a regression task", text);
    }

    [Fact]
    public void A_task_the_manifest_cannot_serve_and_a_method_that_does_not_train_it_are_refused_before_training()
    {
        string root = TaskLayouts.AudioVisual();
        string run = TestData.TempFolder();
        var (code, output) = CliRunner.Run(new[] { "train", "--data", root, "--out", run, "--task", "classification" }.Concat(SmallRun).ToArray());
        Assert.Equal(2, code);
        Assert.Contains("--task classification needs a 'label' column (one class per row); this manifest serves multilabel, regression", output);

        (code, output) = CliRunner.Run(new[] { "train", "--data", root, "--out", TestData.TempFolder(), "--task", "regression", "--method", "ogm-ge" }.Concat(SmallRun).ToArray());
        Assert.Equal(2, code);
        Assert.Contains("Method 'ogm-ge' is defined for classification, not the regression task", output);
        Assert.False(File.Exists(Path.Combine(run, "model.bin")));
    }
}
