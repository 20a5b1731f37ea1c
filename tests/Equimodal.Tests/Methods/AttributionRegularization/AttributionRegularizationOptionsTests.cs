using System.Text.Json;
using Equimodal.Cli.Commands;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Methods.AttributionRegularization;
using Equimodal.Tests.Cli;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Methods.AttributionRegularization;

/// <summary>The former option names: refused where a user types them, naming the new ones; read under the new ones from a saved run.</summary>
public class AttributionRegularizationOptionsTests
{
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["target"] = "attributed-class", ["targets"] = "target-shares", ["ratios"] = "target-ratios", ["steps"] = "ig-steps",
        ["layer"] = "attribution-layer", ["baseline"] = "drop-baseline", ["penalty"] = "penalty-per", ["scope"] = "penalty-scope",
        ["warmup"] = "warmup-epochs", ["unimodal"] = "unimodal-weight", ["distill"] = "distill-weight", ["teachers"] = "teacher-weight",
        ["normalize"] = "embedding-norm",
    };

    [Fact]
    public void Every_former_name_is_refused_naming_the_current_one()
    {
        Assert.Equal(Renamed, AttributionRegularizationOptions.FormerNames);
        foreach (var (former, current) in Renamed)
        {
            var error = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { $"{former}=7" })));
            Assert.Equal($"Method option {former} is now called {current}: give {current}=7.", error.Message);
            // Every current name is an option attr-reg reads.
            Assert.Contains(MethodRegistry.Options("attr-reg"), o => o.Key == current);
        }
        Assert.Contains("--modality-use true", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("attr-reg-published", MethodSettings.Parse(new[] { "diagnostics=on" }))).Message);
    }

    [Fact]
    public void The_command_line_refuses_a_former_name_with_the_current_one()
    {
        var (_, code, output) = SettingsTests.Parse<TrainCommand.Settings>("train", "--method", "attr-reg", "--method-option", "targets=adaptive");
        Assert.Equal(2, code);
        Assert.Contains("target-shares=adaptive", output);
        (_, code, output) = SettingsTests.Parse<CompareCommand.Settings>("compare", "--methods", "joint,attr-reg", "--method-option", "attr-reg:steps=4");
        Assert.Equal(2, code);
        Assert.Contains("ig-steps=4", output);
        // Unprefixed in a grid, the method that renamed it answers rather than "no method has it".
        var error = Assert.Throws<ArgumentException>(() => new Comparison(Tests.Experiments.ComparisonTests.Tiny with { MethodOptions = new Dictionary<string, string> { ["unimodal"] = "0" } },
            new[] { "attr-reg" }, 1, TestData.TempFolder()));
        Assert.Contains("unimodal-weight=0", error.Message);
    }

    [Fact]
    public void Embedding_norm_is_a_model_flag_for_every_method_that_attr_regs_option_sets()
    {
        var (settings, code, output) = SettingsTests.Parse<TrainCommand.Settings>("train", "--method", "joint", "--embedding-norm", "layernorm");
        Assert.True(code == 0, output);
        Assert.Equal("layernorm", settings!.ToModelOptions().EmbeddingNorm);
        Assert.Equal("layernorm", MethodRegistry.Create("joint").ConfigureModel(settings.ToModelOptions()).EmbeddingNorm);
        // attr-reg's option sets it, and its default (none) leaves the flag's choice.
        Assert.Equal("l2", MethodRegistry.Create("attr-reg", MethodSettings.Parse(new[] { "embedding-norm=l2" })).ConfigureModel(settings.ToModelOptions()).EmbeddingNorm);
        Assert.Equal("layernorm", MethodRegistry.Create("attr-reg").ConfigureModel(settings.ToModelOptions()).EmbeddingNorm);
        (_, code, output) = SettingsTests.Parse<TrainCommand.Settings>("train", "--embedding-norm", "batchnorm");
        Assert.Equal(2, code);
        Assert.Contains("Valid normalisations: none, l2, layernorm", output);
    }

    [Fact]
    public void A_saved_record_under_the_former_names_reads_as_todays_options()
    {
        IReadOnlyDictionary<string, string> today = MethodRegistry.ResolvedOptions("attr-reg", new Dictionary<string, string> { ["target-shares"] = "adaptive" });
        Dictionary<string, string> former = FormerRecord(today);
        Assert.Equal("adaptive", former["targets"]);
        Assert.Equal(today, Migrated(former, formatVersion: 1));
        // A record from before option values were recorded, under a former name, still gets the defaults it trained with.
        Assert.Equal(new Dictionary<string, string> { ["target-shares"] = "adaptive", ["unimodal-weight"] = "0" },
            Migrated(new Dictionary<string, string> { ["targets"] = "adaptive" }, formatVersion: 0));
    }

    // The method options of an attr-reg config.json of formatVersion, as a saved run reads them today.
    private static Dictionary<string, string> Migrated(Dictionary<string, string> options, int formatVersion)
    {
        var config = new System.Text.Json.Nodes.JsonObject { ["method"] = "attr-reg", ["methodOptions"] = JsonSerializer.SerializeToNode(options) };
        if (formatVersion > 0) config["formatVersion"] = formatVersion;
        var migrated = (System.Text.Json.Nodes.JsonObject)RunFolderMigrations.MigrateConfig(config, "config.json")["methodOptions"]!;
        return migrated.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
    }

    [Fact]
    public void A_run_folder_written_under_the_former_names_resumes_to_the_uninterrupted_result()
    {
        var config = new RunConfig
        {
            Method = "attr-reg-published",
            MethodOptions = new Dictionary<string, string> { ["target-shares"] = "adaptive", ["warmup-epochs"] = "1" },
            Training = new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 3 },
            TensorBoard = false,
        };
        DatasetSplits splits = VectorData.Create(96);
        TrainingResult uninterrupted = Experiment.Run(config, splits, TestData.TempFolder());

        string folder = TestData.TempFolder();
        Experiment.TrainUntil(config, splits, folder, 1);
        string configFile = Path.Combine(folder, RunFolder.ConfigFile);
        RunConfig recorded = new RunFolder(folder).ReadConfig();
        File.WriteAllText(configFile, JsonSerializer.Serialize(recorded with { FormatVersion = 1, MethodOptions = FormerRecord(recorded.MethodOptions) }, Json.Indented));
        Assert.Contains("\"scope\": \"fusion\"", File.ReadAllText(configFile));

        TrainingResult resumed = Experiment.Resume(folder, splits);
        Assert.Equal(uninterrupted.Test.Accuracy, resumed.Test.Accuracy);
        Assert.Equal(uninterrupted.Test.Loss, resumed.Test.Loss);
    }

    // A record as config.json held it before the renames: the former names, and the diagnostics option.
    private static Dictionary<string, string> FormerRecord(IReadOnlyDictionary<string, string> today)
    {
        Dictionary<string, string> currentToFormer = Renamed.ToDictionary(kv => kv.Value, kv => kv.Key);
        Dictionary<string, string> former = today.ToDictionary(kv => currentToFormer.GetValueOrDefault(kv.Key, kv.Key), kv => kv.Value);
        former["diagnostics"] = "off";
        return former;
    }
}
