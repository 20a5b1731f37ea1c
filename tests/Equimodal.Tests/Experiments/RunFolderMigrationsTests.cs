using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Tests.Cli;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Experiments;

public class RunFolderMigrationsTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void A_config_without_a_format_version_gets_the_attr_reg_default_it_was_trained_with()
    {
        // config.json recorded only the given options once; attr-reg's unimodal weight was 0 then.
        JsonObject old = RunFolderMigrations.MigrateConfig(Parse("""{"method":"attr-reg","methodOptions":{"lambda":"2"}}"""), "config.json");
        Assert.Equal("""{"lambda":"2","unimodal-weight":"0"}""", old["methodOptions"]!.ToJsonString());
        Assert.Equal(RunFolderMigrations.ConfigFormatVersion, old["formatVersion"]!.GetValue<int>());
        Assert.Equal("""{"unimodal-weight":"0"}""", RunFolderMigrations.MigrateConfig(Parse("""{"method":"attr-reg"}"""), "config.json")["methodOptions"]!.ToJsonString());
        // A recorded value is kept, other methods are left alone, and a current file passes unchanged.
        Assert.Equal("0.5", RunFolderMigrations.MigrateConfig(Parse("""{"method":"attr-reg","methodOptions":{"unimodal":"0.5"}}"""), "config.json")["methodOptions"]!["unimodal-weight"]!.GetValue<string>());
        Assert.Equal($$"""{"method":"ogm-ge","methodOptions":{},"formatVersion":{{RunFolderMigrations.ConfigFormatVersion}}}""", RunFolderMigrations.MigrateConfig(Parse("""{"method":"ogm-ge","methodOptions":{}}"""), "config.json").ToJsonString());
        string current = $$"""{"method":"attr-reg","methodOptions":{},"formatVersion":{{RunFolderMigrations.ConfigFormatVersion}}}""";
        Assert.Equal(current, RunFolderMigrations.MigrateConfig(Parse(current), "config.json").ToJsonString());
    }

    [Fact]
    public void A_format_one_config_reads_attr_reg_options_under_their_new_names_and_its_diagnostics_as_the_training_option()
    {
        JsonObject migrated = RunFolderMigrations.MigrateConfig(Parse(
            """{"formatVersion":1,"method":"attr-reg","methodOptions":{"unimodal":"1","targets":"adaptive","lambda":"2","diagnostics":"on"},"training":{"epochs":3}}"""), "config.json");
        Assert.Equal("""{"unimodal-weight":"1","target-shares":"adaptive","lambda":"2"}""", migrated["methodOptions"]!.ToJsonString());
        Assert.True(migrated["training"]!["modalityUse"]!.GetValue<bool>());
        Assert.Equal(3, migrated["training"]!["epochs"]!.GetValue<int>());
        JsonObject off = RunFolderMigrations.MigrateConfig(Parse("""{"formatVersion":1,"method":"attr-reg","methodOptions":{"diagnostics":"off"},"training":{}}"""), "config.json");
        Assert.Equal("{}", off["methodOptions"]!.ToJsonString());
        Assert.Null(off["training"]!["modalityUse"]);
    }

    [Fact]
    public void A_newer_or_damaged_format_version_is_refused_naming_the_file()
    {
        var newer = Assert.Throws<InvalidDataException>(() => RunFolderMigrations.MigrateConfig(Parse("""{"formatVersion":99}"""), "/runs/a/config.json"));
        Assert.Equal($"/runs/a/config.json has format version 99, written by a newer Equimodal; this version reads up to {RunFolderMigrations.ConfigFormatVersion}. Update Equimodal to read it.", newer.Message);
        var damaged = Assert.Throws<InvalidDataException>(() => RunFolderMigrations.MigratePreprocessing(Parse("""{"version":"two"}"""), new JsonObject(), "/runs/a/preprocessing.json"));
        Assert.StartsWith("/runs/a/preprocessing.json: 'version' is \"two\", not a format version.", damaged.Message);
        // A value of the wrong type passes the steps and is refused where the record is read, naming the file.
        var folder = new RunFolder(TestData.TempFolder());
        File.WriteAllText(folder.File(RunFolder.ConfigFile), """{"method":3}""");
        Assert.StartsWith($"{folder.File(RunFolder.ConfigFile)} is not a valid run configuration", Assert.Throws<InvalidDataException>(folder.ReadConfig).Message);
        File.WriteAllText(folder.File(RunFolder.ConfigFile), "[]");
        Assert.StartsWith($"{folder.File(RunFolder.ConfigFile)} is not a valid run configuration: it holds no JSON object.", Assert.Throws<InvalidDataException>(folder.ReadConfig).Message);
    }

    [Fact]
    public void Preprocessing_of_version_one_takes_the_av_digits_degradation_from_the_config_and_others_only_rename_the_version()
    {
        JsonObject config = Parse("""{"dataset":{"name":"avdigits","avDigits":{"audioSnrDb":10,"imageOcclusion":0.5}}}""");
        JsonObject avDigits = RunFolderMigrations.MigratePreprocessing(
            Parse("""{"inputs":[{"modality":"audio","reader":"spectrogram"},{"modality":"visual","reader":"frames","blur":1}],"version":1}"""), config, "p.json");
        Assert.Equal("""{"inputs":[{"modality":"audio","reader":"spectrogram","noiseSnrDb":10},{"modality":"visual","reader":"frames","blur":1,"occlusion":0.5}],"formatVersion":2}""",
            avDigits.ToJsonString());
        JsonObject folder = RunFolderMigrations.MigratePreprocessing(Parse("""{"inputs":[{"modality":"audio","reader":"spectrogram"}],"version":1}"""),
            Parse("""{"dataset":{"name":"folder","avDigits":{"audioSnrDb":10}}}"""), "p.json");
        Assert.Equal("""{"inputs":[{"modality":"audio","reader":"spectrogram"}],"formatVersion":2}""", folder.ToJsonString());
        Assert.Equal("""{"inputs":[],"formatVersion":2}""", RunFolderMigrations.MigratePreprocessing(Parse("""{"inputs":[],"version":2}"""), config, "p.json").ToJsonString());
    }

    [Fact]
    public void A_run_folder_from_before_format_versions_evaluates_and_predicts_as_it_did_and_is_left_unchanged()
    {
        string run = CopyOfFixture(), data = TestData.TempFolder();
        WriteFixtureData(data);
        var before = Directory.GetFiles(run).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var (code, output) = CliRunner.Run("evaluate", "--run", run, "--data", data, "--device", "cpu", "--json");
        Assert.True(code == 0, output);
        JsonObject evaluated = Parse(output[output.IndexOf('{')..]);
        JsonObject expected = Parse(File.ReadAllText(Path.Combine(run, "expected-evaluate.json")));
        Assert.Equal(expected["confusionMatrix"]!.ToJsonString(), evaluated["confusionMatrix"]!.ToJsonString());
        Assert.Equal(expected["modalityAccuracy"]!.ToJsonString(), evaluated["modalityAccuracy"]!.ToJsonString());
        foreach (string number in new[] { "loss", "accuracy" })
            Assert.Equal(expected[number]!.GetValue<double>(), evaluated[number]!.GetValue<double>(), 1e-9);
        foreach (string modality in new[] { "left", "right" })
            Assert.Equal(expected["attributionShares"]![modality]!.GetValue<double>(), evaluated["attributionShares"]![modality]!.GetValue<double>(), 1e-6);

        string predictions = Path.Combine(TestData.TempFolder(), "predictions.csv");
        (code, output) = CliRunner.Run("predict", "--run", run, "--data", Path.Combine(data, "predict.csv"), "--out", predictions, "--device", "cpu");
        Assert.True(code == 0, output);
        string[][] written = File.ReadAllLines(predictions).Select(l => l.Split(',')).ToArray();
        string[][] recorded = File.ReadAllLines(Path.Combine(run, "expected-predictions.csv")).Select(l => l.Split(',')).ToArray();
        Assert.Equal(recorded.Length, written.Length);
        for (int row = 0; row < recorded.Length; row++)
        for (int column = 0; column < recorded[row].Length; column++)
        {
            if (double.TryParse(recorded[row][column], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                Assert.Equal(value, double.Parse(written[row][column], CultureInfo.InvariantCulture), 2e-6);
            else Assert.Equal(recorded[row][column], written[row][column]);
        }

        // Reading migrates in memory: the old files stay as they were.
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(run).Select(Path.GetFileName).Order());
        foreach (var (name, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(run, name)));
    }

    [Fact]
    public void A_paused_run_written_before_format_versions_and_recorded_options_resumes_to_the_uninterrupted_result()
    {
        var config = new RunConfig
        {
            Method = "attr-reg",
            MethodOptions = new Dictionary<string, string> { ["unimodal-weight"] = "0" },
            Model = new ModelOptions { MlpHidden = 16 },
            Training = new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 7 },
            TensorBoard = false,
        };
        TrainingResult whole = Experiment.Run(config, VectorData.Create(200), TestData.TempFolder());
        string paused = TestData.TempFolder();
        Experiment.TrainUntil(config, VectorData.Create(200), paused, epoch: 1);
        // As the oldest writer left it: no format versions, and only the options given on the command line (none).
        JsonObject oldConfig = Parse(File.ReadAllText(Path.Combine(paused, RunFolder.ConfigFile)));
        oldConfig.Remove("formatVersion");
        oldConfig["methodOptions"] = new JsonObject();
        File.WriteAllText(Path.Combine(paused, RunFolder.ConfigFile), oldConfig.ToJsonString());
        JsonObject oldPreprocessing = Parse(File.ReadAllText(Path.Combine(paused, RunFolder.PreprocessingFile)));
        oldPreprocessing["version"] = oldPreprocessing["formatVersion"]!.GetValue<int>();
        oldPreprocessing.Remove("formatVersion");
        File.WriteAllText(Path.Combine(paused, RunFolder.PreprocessingFile), oldPreprocessing.ToJsonString());

        TrainingResult resumed = Experiment.Resume(paused, VectorData.Create(200));
        Assert.Equal(whole.History.Select(h => (h.TrainLoss, h.Validation.Loss)), resumed.History.Select(h => (h.TrainLoss, h.Validation.Loss)));
        Assert.Equal((whole.Test.Loss, whole.Test.Accuracy), (resumed.Test.Loss, resumed.Test.Accuracy));
        Assert.Equal("0", new RunFolder(paused).ReadConfig().MethodOptions["unimodal-weight"]);
    }

    /// <summary>
    /// The fixture run's data: two vector modalities (left: 4 values, right: 3) of 24 samples (16 train, 4 validation,
    /// 4 test), class c shifted by 0.8 c (left) and 0.4 c (right), and predict.csv listing the test samples.
    /// </summary>
    private static void WriteFixtureData(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "left"));
        Directory.CreateDirectory(Path.Combine(root, "right"));
        float[] Vector(int sample, int size, double shift, int c) =>
            Enumerable.Range(0, size).Select(d => (float)((sample * 7 + d * 3) % 11 / 10.0 - 0.5 + shift * c)).ToArray();
        var rows = new List<string> { "id,label,split,left,right" };
        int i = 0;
        foreach ((string split, int count) in new[] { ("train", 16), ("validation", 4), ("test", 4) })
        {
            for (int k = 0; k < count; k++, i++)
            {
                int c = k % 2;
                TinyLayouts.WriteNpy(Path.Combine(root, "left", $"s{i}.npy"), Vector(i, 4, 0.8, c));
                TinyLayouts.WriteNpy(Path.Combine(root, "right", $"s{i}.npy"), Vector(i, 3, 0.4, c));
                rows.Add($"s{i},{(c == 1 ? "yes" : "no")},{split},left/s{i}.npy,right/s{i}.npy");
            }
        }
        File.WriteAllLines(Path.Combine(root, "manifest.csv"), rows);
        File.WriteAllLines(Path.Combine(root, "predict.csv"), new[] { "id,left,right" }.Concat(Enumerable.Range(20, 4).Select(s => $"s{s},left/s{s}.npy,right/s{s}.npy")));
    }

    private static string CopyOfFixture([CallerFilePath] string here = "")
    {
        string source = Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", "folder-run-162d164"), copy = TestData.TempFolder();
        foreach (string file in Directory.GetFiles(source).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }
}
