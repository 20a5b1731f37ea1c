using System.Text.Json.Nodes;
using Equimodal.Attribution;
using Equimodal.Cli;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Inference;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tests.Attribution;
using Equimodal.Tests.Data;
using Equimodal.Tests.Experiments;
using Equimodal.Training;
using Spectre.Console.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Cli;

/// <summary>
/// The cases of a hostile user's sweep that crashed, hung, gave silently wrong results or unclear messages, replayed:
/// each is refused with a message that names the flag or file and says what to do, or bounded, or reported.
/// (The run-folder cases are in <see cref="RunFolderSafetyTests"/>.)
/// </summary>
public class HostileRoundTests
{
    private static Lazy<string> Data => RunFolderSafetyTests.Data;

    private static (int Code, string Output) Validate(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 400;
        int code = EquimodalApp.Run(args, console, instead: _ => { });
        return (code, console.Output);
    }

    [Theory]
    [InlineData("--epochs 1 --epochs 3", "--epochs is given twice; give it once.")]
    [InlineData("--tensorboard maybe", "--tensorboard expects true or false, got 'maybe'.")]
    [InlineData("--tensorboard 0", "--tensorboard expects true or false, got '0'.")]
    public void Train_flags_given_twice_or_with_a_bad_boolean_are_named(string flags, string message)
    {
        var (code, output) = Validate(new[] { "train", "--method", "joint" }.Concat(flags.Split(' ')).ToArray());
        Assert.Equal(2, code);
        Assert.Contains(message, output);
        // A boolean value and a repeatable flag given twice are still accepted.
        (code, output) = Validate("train", "--method", "ogm-ge", "--tensorboard", "false", "--method-option", "alpha=0.5", "--method-option", "noise=off");
        Assert.True(code == 0, output);
    }

    [Fact]
    public void Compare_messages_name_the_seed_range_and_the_method_an_unprefixed_option_is_for()
    {
        var (code, output) = Validate("compare", "--seeds", "3", "--seed", "2147483647", "--plan");
        Assert.Equal(2, code);
        Assert.Contains("--seed 2147483647 with --seeds 3 goes past the largest seed, 2147483647; lower --seed.", output);

        (code, output) = Validate("compare", "--methods", "joint,ogm-ge", "--method-option", "alpha=0.5");
        Assert.Equal(2, code);
        Assert.Contains("'joint' has no option 'alpha'", output);
        Assert.Contains("--method-option ogm-ge:alpha=0.5", output);
    }

    [Fact]
    public void Compare_checks_every_row_against_the_data_before_training_any()
    {
        string grid = TestData.TempFolder();
        var (code, output) = CliRunner.Run("compare", "--dataset", "folder", "--data", Data.Value, "--methods", "joint,audio-only", "--seeds", "1",
            "--epochs", "1", "--batch-size", "8", "--threads", "1", "--device", "cpu", "--out", grid);
        Assert.Equal(2, code);
        Assert.Contains("audio", output);
        Assert.False(Directory.Exists(Path.Combine(grid, Comparison.RunsFolder, "joint-seed1")));
    }

    [Theory]
    [InlineData("ig", "--coalitions", "5", "--coalitions does not apply to --attribution ig; it is read by kernelshap, lime only.")]
    [InlineData("kernelshap", "--steps", "8", "--steps does not apply to --attribution kernelshap; it is read by ig only.")]
    [InlineData("kernelshap", "--coalitions", "2000000000", "--coalitions must be between 1 and 100000, got 2000000000.")]
    [InlineData("ig", "--steps", "100000000", "--steps must be between 1 and 4096, got 100000000.")]
    public void Explain_refuses_options_its_attribution_does_not_read_and_bounds_the_others(string attribution, string flag, string value, string message)
    {
        var (code, output) = Validate("explain", "--run", TestData.TempFolder(), "--attribution", attribution, flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void Evaluate_takes_missing_modalities_as_a_list_or_repeated()
    {
        string run = UntrainedRun.Create(new DatasetRequest { Synthetic = TestData.SmallSynthetic with { Samples = 60 } }, TestData.TinyModel);
        var (code, listed) = CliRunner.Run("evaluate", "--run", run, "--missing", "audio,visual", "--json", "--device", "cpu");
        Assert.True(code == 0, listed);
        var (_, repeated) = CliRunner.Run("evaluate", "--run", run, "--missing", "audio", "--missing", "visual", "--json", "--device", "cpu");
        Assert.Equal(repeated, listed);
    }

    [Theory]
    [InlineData("modalities", "[]", "it lists no modalities")]
    [InlineData("model.width", "-4", "Encoder width must be in 1..1024, got -4.")]
    [InlineData("model.depth", "0", "Encoder depth must be in 1..6, got 0.")]
    [InlineData("model.fusion", "\"bogus\"", "Unknown fusion 'bogus'.")]
    public void A_hand_edited_config_json_is_named_with_what_is_wrong(string key, string value, string message)
    {
        string run = UntrainedRun.Create(new DatasetRequest { Synthetic = TestData.SmallSynthetic with { Samples = 60 } }, TestData.TinyModel);
        string path = Path.Combine(run, RunFolder.ConfigFile);
        JsonNode config = JsonNode.Parse(File.ReadAllText(path))!;
        string[] parts = key.Split('.');
        JsonNode parent = parts.Length == 1 ? config : config[parts[0]]!;
        parent[parts[^1]] = JsonNode.Parse(value);
        File.WriteAllText(path, config.ToJsonString());

        var (code, output) = CliRunner.Run("predict", "--run", run, "--data", Data.Value, "--out", Path.Combine(TestData.TempFolder(), "p.csv"), "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains($"{path}: ", output);
        Assert.Contains(message, output);
        Assert.Contains("restore the values the run was trained with", output);
    }

    [Fact]
    public void Resume_after_the_encoder_width_was_edited_names_the_parameter_instead_of_crashing()
    {
        string run = Path.Combine(TestData.TempFolder(), "run");
        var (code, output) = CliRunner.Run(RunFolderSafetyTests.Train(run));
        Assert.True(code == 0, output);
        string path = Path.Combine(run, RunFolder.ConfigFile);
        JsonNode config = JsonNode.Parse(File.ReadAllText(path))!;
        config["model"]!["mlpHidden"] = 5; // the vector encoders' width
        File.WriteAllText(path, config.ToJsonString());

        (code, output) = CliRunner.Run("train", "--resume", run);

        Assert.Equal(2, code);
        Assert.Contains("The checkpoint does not fit the model the run's configuration describes: parameter '", output);
        Assert.Contains("config.json's model settings were changed after training started", output);
    }

    [Fact]
    public void Resume_at_a_file_or_a_folder_without_a_run_says_what_to_give()
    {
        string file = Path.Combine(TestData.TempFolder(), "notes.txt");
        File.WriteAllText(file, "x");
        var (code, output) = CliRunner.Run("train", "--resume", file);
        Assert.Equal(2, code);
        Assert.Contains("is a file; give the run folder that 'train --out' wrote.", output);
        (code, output) = CliRunner.Run("train", "--resume", TestData.TempFolder());
        Assert.Equal(2, code);
        Assert.Contains("no config.json there, so it is not a run folder to continue", output);
    }

    [Fact]
    public void Predict_refuses_a_file_whose_shape_disagrees_with_the_model_after_config_json_was_edited()
    {
        string root = TinyLayouts.CremaD();
        var config = new RunConfig
        {
            Dataset = new DatasetRequest { Name = "cremad", Path = root, Files = TinyLayouts.Options },
            Model = TestData.TinyModel,
            Training = TestData.ShortTraining with { Epochs = 1 },
        };
        string run = Path.Combine(TestData.TempFolder(), "run");
        Experiment.Run(config, DatasetCatalog.Load(config.Dataset), run);
        // The spectrogram encoder's weights do not depend on the time axis, so the model still loads: only the reader can tell.
        string path = Path.Combine(run, RunFolder.ConfigFile);
        JsonNode edited = JsonNode.Parse(File.ReadAllText(path))!;
        JsonArray shape = edited["modalities"]![0]!["shape"]!.AsArray();
        shape[^1] = shape[^1]!.GetValue<long>() + 3;
        File.WriteAllText(path, edited.ToJsonString());

        var (code, output) = CliRunner.Run("predict", "--run", run, "--data", root, "--out", Path.Combine(TestData.TempFolder(), "p.csv"), "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("config.json and preprocessing.json of the run disagree", output);

        // A damaged preprocessing.json is named too.
        File.WriteAllText(Path.Combine(run, RunFolder.PreprocessingFile), "{ \"modalities\": [");
        (code, output) = CliRunner.Run("predict", "--run", run, "--data", root, "--out", Path.Combine(TestData.TempFolder(), "p.csv"), "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains($"{RunFolder.PreprocessingFile} is not a valid preprocessing record", output);
    }

    [Fact]
    public void Predict_manifests_name_a_file_that_is_no_manifest_repeated_ids_and_absent_paths()
    {
        string root = TestData.TempFolder();
        string wav = Path.Combine(root, "clip.wav");
        File.WriteAllBytes(wav, new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 1, 2 });
        string[] modalities = { "left", "right" };
        Assert.Contains("is not a manifest: --data takes a .csv or .jsonl manifest", Assert.Throws<DataFileException>(() => PredictionInputs.Read(wav, modalities)).Message);

        string manifest = Path.Combine(Data.Value, "manifest.csv");
        string twice = Path.Combine(Data.Value, "twice.csv");
        File.WriteAllLines(twice, new[] { "id,left,right", "a,left/s0.npy,right/s0.npy", "a,left/s1.npy,right/s1.npy" });
        Assert.Contains("ids must be unique", Assert.Throws<DataFileException>(() => PredictionInputs.Read(twice, modalities)).Message);

        string absent = Path.Combine(Data.Value, "absent.csv");
        File.WriteAllLines(absent, new[] { "id,left,right", "a,left/s0.npy,", "b,left/typo.npy,right/s1.npy" });
        string message = Assert.Throws<DataFileException>(() => PredictionInputs.Read(absent, modalities)).Message;
        Assert.Contains("1 path(s) do not exist (b left: ", message);
        Assert.Contains("typo.npy", message);
        Assert.Contains("leave the cell empty to predict the sample without that modality", message);
        Assert.Equal(48, PredictionInputs.Read(manifest, modalities).Count);
    }

    [Fact]
    public void Umt_reports_each_teacher_epoch_as_progress()
    {
        var observer = new ProgressLog();
        var options = new TrainingOptions { Epochs = 1, BatchSize = 16, Threads = 1, Device = "cpu" };
        var trainer = new Trainer(options, new ModelOptions { Width = 4, Depth = 1 }, observer);
        trainer.Fit(MethodRegistry.Create("umt", new MethodSettings(new Dictionary<string, string> { ["teacher-epochs"] = "2" })), VectorData.Create(64));
        trainer.Model!.Dispose();
        Assert.Equal(new[] { "a teacher: epoch 1/2", "a teacher: epoch 2/2", "b teacher: epoch 1/2", "b teacher: epoch 2/2" },
            observer.Messages.Select(m => m[..m.IndexOf(',')]));
    }

    private sealed class ProgressLog : ITrainingObserver
    {
        public List<string> Messages { get; } = new();

        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
        }

        public void OnEpochEnd(EpochRecord record, int epochs)
        {
        }

        public void OnProgress(string message) => Messages.Add(message);
    }

    [Fact]
    public void Sampled_kernelshap_and_lime_refuse_fewer_coalitions_than_their_fit_needs()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = { randn(1, 12, ScalarType.Float64) };
        LogitsFunction model = inputs => stack(new[] { inputs[0].sum(1), inputs[0].square().sum(1) }, 1);
        var segmentation = new[] { Segmentation.Bands(12) };
        var kernelShap = Assert.Throws<ArgumentException>(() => new KernelShap().Attribute(model, x, AttributionTarget.Class(0),
            new AttributionOptions { Segmentations = segmentation, PerturbationSamples = 1 }));
        Assert.Contains("KernelSHAP needs at least 12 coalitions per sample for its 12 feature groups", kernelShap.Message);
        var lime = Assert.Throws<ArgumentException>(() => new Lime().Attribute(model, x, AttributionTarget.Class(0),
            new AttributionOptions { Segmentations = segmentation, PerturbationSamples = 12 }));
        Assert.Contains("LIME needs at least 13 coalitions per sample", lime.Message);
        // Few groups are enumerated exactly once the budget holds their 2^3 - 2 coalitions.
        using AttributionResult exact = new KernelShap().Attribute(model, x, AttributionTarget.Class(0),
            new AttributionOptions { Segmentations = new[] { Segmentation.Bands(3) }, PerturbationSamples = 6 });
        Assert.Equal(x[0].sum().item<double>(), exact.PerModality[0].sum().item<double>(), 9);
    }

    [Fact]
    public void Lime_weights_coalitions_with_lime_kernel()
    {
        using var scope = NewDisposeScope();
        // Three one-feature groups, the full input and 11 coalitions drawn as Lime draws them (System.Random(seed), one coin per group).
        double[] input = { 0.7, -1.2, 0.4 };
        const int samples = 12;
        const double width = 0.25;
        static double F(double[] v) => Math.Pow(v.Sum(), 2) + v[0] * v[2];
        var random = new Random(0);
        bool[][] coalitions = Enumerable.Range(0, samples)
            .Select(i => i == 0 ? new[] { true, true, true } : Enumerable.Range(0, 3).Select(_ => random.Next(2) == 1).ToArray()).ToArray();
        // Weighted least squares by hand with lime's kernel exp(-d^2 / (2 w^2)), d = 1 - sqrt(|S| / groups).
        double[,] normal = new double[4, 4];
        double[] right = new double[4];
        foreach (bool[] present in coalitions)
        {
            double[] row = new[] { 1.0 }.Concat(present.Select(p => p ? 1.0 : 0.0)).ToArray();
            double d = 1 - Math.Sqrt(present.Count(p => p) / 3.0);
            double weight = Math.Exp(-d * d / (2 * width * width));
            double y = F(input.Select((v, g) => present[g] ? v : 0).ToArray());
            for (int a = 0; a < 4; a++)
            {
                right[a] += weight * row[a] * y;
                for (int b = 0; b < 4; b++) normal[a, b] += weight * row[a] * row[b];
            }
        }
        double[] expected = linalg.solve(tensor(normal), tensor(right)).data<double>().ToArray()[1..];

        Tensor[] x = { tensor(input, ScalarType.Float64).unsqueeze(0) };
        LogitsFunction model = inputs =>
        {
            Tensor v = inputs[0];
            Tensor score = v.sum(1).square() + v[.., 0] * v[.., 2];
            return stack(new[] { score, -score }, 1);
        };
        using AttributionResult lime = new Lime().Attribute(model, x, AttributionTarget.Class(0),
            new AttributionOptions { Segmentations = new[] { Segmentation.Bands(3) }, PerturbationSamples = samples, LimeKernelWidth = width });
        Assert.Equal(expected, lime.GroupValues![0].data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Occlusion_refuses_a_stride_larger_than_its_window()
    {
        using var scope = NewDisposeScope();
        Tensor[] x = { randn(1, 8, ScalarType.Float64) };
        LogitsFunction model = inputs => stack(new[] { inputs[0].sum(1), -inputs[0].sum(1) }, 1);
        var refused = Assert.Throws<ArgumentException>(() => new Occlusion().Attribute(model, x, AttributionTarget.Class(0),
            new AttributionOptions { OcclusionWindows = new[] { new long[] { 2 } }, OcclusionStrides = new[] { new long[] { 4 } } }));
        Assert.Contains("the occlusion stride (4) is larger than the window (2)", refused.Message);
    }

    [Fact]
    public void Occlusion_and_the_group_methods_give_identical_regions_identical_values_and_shares()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        // An audio-like [1, 4, 6] and a video-like [2, 1, 4, 4] modality, cut into the same regions by both methods.
        Tensor[] x = { randn(2, 1, 4, 6, ScalarType.Float64), randn(new long[] { 2, 2, 1, 4, 4 }, ScalarType.Float64) };
        LogitsFunction model = inputs =>
        {
            Tensor a = inputs[0].flatten(1), v = inputs[1].flatten(1);
            Tensor score = a.narrow(1, 0, 12).sum(1).tanh() * v.narrow(1, 8, 16).sum(1) + a.square().sum(1) * 0.1 + (v.sum(1) * 0.3).sin();
            return stack(new[] { score, -score }, 1);
        };
        using AttributionResult occlusion = new Occlusion().Attribute(model, x, AttributionTarget.Class(0), new AttributionOptions
        {
            OcclusionWindows = new[] { new long[] { 1, 2, 2 }, new long[] { 1, 1, 2, 2 } },
        });
        using AttributionResult ablation = new FeatureAblation().Attribute(model, x, AttributionTarget.Class(0), new AttributionOptions
        {
            Segmentations = new[] { Segmentation.Bands(1, 2, 3), Segmentation.Bands(2, 1, 2, 2) },
        });
        for (int m = 0; m < 2; m++) Assert.True(AttributionModels.MaxDifference(occlusion.PerModality[m], ablation.PerModality[m]) < 1e-12);
        Assert.True(AttributionModels.MaxDifference(AttributionShares.Shares(occlusion.PerModality), AttributionShares.Shares(ablation.PerModality)) < 1e-12);
    }
}
