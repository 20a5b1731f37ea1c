using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Equimodal.Tests.Models;

public class WeightInterchangeTests
{
    private static MultimodalClassifier CreateModel(int seed)
    {
        torch.manual_seed(seed);
        var model = ModelFactory.Create(TestData.Small.Modalities, TestData.Small.ClassNames.Count, TestData.TinyModel with { Fusion = "gated" });
        model.eval();
        return model;
    }

    private static Tensor Logits(MultimodalClassifier model)
    {
        using Batch batch = TestData.Small.Test.GetBatch(Enumerable.Range(0, 8).ToArray(), Augmentation.None);
        using (no_grad()) return model.Forward(batch.Inputs).Logits.detach().clone();
    }

    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("model.pt")]
    public void A_saved_model_loads_into_a_fresh_one_with_identical_outputs(string fileName)
    {
        using var trained = CreateModel(1);
        using var fresh = CreateModel(2);
        string path = Path.Combine(TestData.TempFolder(), fileName);
        WeightInterchange.Save(trained, path, WeightInterchange.FormatOf(path));
        using Tensor before = Logits(fresh);
        WeightInterchange.Load(fresh, path);
        using Tensor expected = Logits(trained), actual = Logits(fresh);
        Assert.False(before.eq(expected).all().item<bool>());
        Assert.True(actual.eq(expected).all().item<bool>());
        // Buffers (batch-norm statistics) travel too, under torchvision names.
        Assert.Contains("encoders.visual.backbone.layer1.0.bn1.running_var", WeightInterchange.ReadStateDict(path).Keys);
    }

    [Fact]
    public void Loading_weights_of_another_architecture_names_the_mismatch()
    {
        using var model = CreateModel(1);
        using var wider = ModelFactory.Create(TestData.Small.Modalities, TestData.Small.ClassNames.Count, TestData.TinyModel with { Width = 12 });
        string path = Path.Combine(TestData.TempFolder(), "wide.safetensors");
        WeightInterchange.Save(wider, path, WeightFormat.Safetensors);
        var error = Assert.Throws<ArgumentException>(() => WeightInterchange.Load(model, path));
        Assert.Contains("has shape [12", error.Message);
    }

    [Fact]
    public void A_torchvision_style_state_dict_loads_into_one_encoder_skipping_the_classifier_and_can_be_frozen_or_given_its_own_rate()
    {
        using var donor = CreateModel(5);
        // What torch.save(resnet.state_dict()) of a DataParallel ResNet gives: "module." prefix, plus a classifier "fc.".
        var state = donor.Encoder(1).state_dict().ToDictionary(kv => "module." + kv.Key["backbone.".Length..], kv => kv.Value);
        state["module.fc.weight"] = randn(10, 32);
        state["module.fc.bias"] = randn(10);
        string path = Path.Combine(TestData.TempFolder(), "resnet.pt");
        using (var stream = File.Create(path)) PyTorchPickler.PickleStateDict(stream, state);

        using var model = CreateModel(6);
        IReadOnlyList<string> skipped = WeightInterchange.LoadInto(model.Encoder(1), path, "module.");
        Assert.Equal(new[] { "fc.bias", "fc.weight" }, skipped);
        foreach (var (name, tensor) in donor.Encoder(1).state_dict()) Assert.True(tensor.eq(model.Encoder(1).state_dict()[name]).all().item<bool>(), name);
        Assert.False(donor.Encoder(0).state_dict().First().Value.eq(model.Encoder(0).state_dict().First().Value).all().item<bool>());

        var options = new TrainingOptions { Encoders = new[] { new EncoderTransfer { Modality = "visual", LearningRate = 1e-5 } } };
        using var optimizer = OptimizerFactory.Create(model, options);
        Assert.Equal(new[] { options.LearningRate, 1e-5 }, optimizer.ParamGroups.Select(g => g.LearningRate));

        // Frozen: one epoch of training moves the audio encoder but not the pretrained visual one, in the weights
        // themselves and in their average.
        foreach (double emaDecay in new[] { 0, 0.99 })
        {
            var frozen = TestData.ShortTraining with
            {
                Epochs = 1,
                EmaDecay = emaDecay,
                Encoders = new[] { new EncoderTransfer { Modality = "visual", Weights = path, SourcePrefix = "module.", Freeze = true } },
            };
            var trainer = new Trainer(frozen, TestData.TinyModel with { Fusion = "gated" });
            trainer.Fit(Equimodal.Methods.MethodRegistry.Create("joint"), TestData.Small);
            using var trained = trainer.Model!;
            var donorState = donor.Encoder(1).state_dict();
            foreach (var (name, tensor) in trained.Encoder(1).named_parameters()) Assert.True(tensor.eq(donorState[name]).all().item<bool>(), $"{name}, EMA decay {emaDecay}");
            Assert.All(trained.Encoder(1).parameters(), p => Assert.False(p.requires_grad));
            Assert.True(trained.Encoder(0).parameters().First().requires_grad);
        }
    }

    [Theory]
    [InlineData("safetensors", "run.safetensors")]
    [InlineData("pt", "run.pt")]
    public void The_export_command_writes_the_selected_weights_of_a_run(string format, string fileName)
    {
        string folder = TestData.TempFolder();
        var (code, output) = Equimodal.Tests.Cli.CliRunner.Run("train", "--epochs", "1", "--samples", "300", "--width", "4", "--depth", "1",
            "--threads", "1", "--device", "cpu", "--out", folder);
        Assert.True(code == 0, output);
        string file = Path.Combine(folder, fileName);
        (code, output) = Equimodal.Tests.Cli.CliRunner.Run("export", "--run", folder, "--format", format, "--out", file);
        Assert.True(code == 0, output);
        using var model = new Equimodal.Experiments.RunFolder(folder).LoadModel();
        var exported = WeightInterchange.ReadStateDict(file);
        Assert.Equal(model.state_dict().Keys.Order(), exported.Keys.Order());
        foreach (var (name, tensor) in model.state_dict()) Assert.True(tensor.eq(exported[name]).all().item<bool>(), name);
    }
}
