using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Models;

public class ModelTests
{
    public static TheoryData<string> Fusions => new(FusionFactory.Names);

    [Theory]
    [MemberData(nameof(Fusions))]
    public void Every_fusion_accepts_unequal_embedding_sizes_and_passes_gradients_to_every_modality(string name)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(0);
        long[] sizes = { 5, 7, 3 };
        FusionHead head = FusionFactory.Create(name, sizes, classes: 4, hiddenSize: 6);
        Tensor[] embeddings = sizes.Select(d => randn(2, d, requires_grad: true)).ToArray();
        Tensor logits = head.Forward(embeddings);
        Assert.Equal(new long[] { 2, 4 }, logits.shape);
        logits.pow(2).sum().backward();
        Assert.All(embeddings, e => Assert.True(e.grad!.abs().sum().item<float>() > 0));
        Assert.All(head.parameters(), p => Assert.NotNull(p.grad));
        Tensor[] perModality = head.ModalityLogits(embeddings);
        Assert.Equal(3, perModality.Length);
        Assert.All(perModality, z => Assert.Equal(new long[] { 2, 4 }, z.shape));
    }

    [Theory]
    [InlineData("concat")]
    [InlineData("sum")]
    public void Additive_fusions_split_the_logits_exactly_into_modality_logits(string name)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        FusionHead head = FusionFactory.Create(name, new long[] { 4, 6 }, classes: 3, hiddenSize: 8);
        Tensor[] embeddings = { randn(5, 4), randn(5, 6) };
        Tensor[] parts = head.ModalityLogits(embeddings);
        Assert.True(parts[0].add(parts[1]).allclose(head.Forward(embeddings), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Concat_modality_logits_are_the_classifier_slice_plus_a_share_of_the_bias()
    {
        using var scope = NewDisposeScope();
        var head = new ConcatFusion(new long[] { 2, 1 }, classes: 2);
        using (no_grad())
        {
            head.Classifier.weight!.copy_(tensor(new float[] { 1, 2, 3, 4, 5, 6 }).view(2, 3));
            head.Classifier.bias!.copy_(tensor(new float[] { 10, 20 }));
        }
        Tensor[] parts = head.ModalityLogits(new[] { tensor(new float[] { 1, 1 }).view(1, 2), tensor(new float[] { 2 }).view(1, 1) });
        // audio: [1+2, 4+5] + bias/2 = [8, 19]; visual: [3*2, 6*2] + bias/2 = [11, 22]
        Assert.Equal(new float[] { 8, 19 }, parts[0].data<float>().ToArray());
        Assert.Equal(new float[] { 11, 22 }, parts[1].data<float>().ToArray());
    }

    [Fact]
    public void A_missing_modality_is_a_zero_embedding_at_the_fusion_input_everywhere()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        var modalities = new[] { new ModalitySpec("a", ModalityKind.Vector, new long[] { 4 }), new ModalitySpec("b", ModalityKind.Vector, new long[] { 6 }) };
        var model = ModelFactory.Create(modalities, 3, new ModelOptions { MlpHidden = 8, Fusion = "gated" });
        model.eval();
        Tensor a = randn(5, 4), b = randn(5, 6);
        Tensor[] embeddings = model.Encode(new[] { a, b });
        Tensor onlyA = model.Fusion.Forward(new[] { embeddings[0], zeros_like(embeddings[1]) });
        // A null input, the coalition {a}, a per-sample presence mask and the head's own logits of a all mean the same.
        Assert.Equal(0, MaxDifference(model.Fuse(model.Encode(new Tensor?[] { a, null })), onlyA));
        Assert.Equal(0, MaxDifference(model.Fuse(embeddings, coalition: 0b01), onlyA));
        Tensor presence = tensor(new float[] { 1, 0, 1, 1, 1, 0, 1, 1, 1, 0 }).view(5, 2);
        Tensor mixed = model.Forward(new[] { a, b }, presence).Logits;
        Tensor full = model.Fuse(embeddings);
        foreach (int i in new[] { 0, 2, 4 }) Assert.True(mixed[i].allclose(onlyA[i]));
        foreach (int i in new[] { 1, 3 }) Assert.True(mixed[i].allclose(full[i]));
        Assert.True(model.ModalityLogits(embeddings)[0].allclose(onlyA));
        Assert.Throws<ArgumentException>(() => model.Encode(new Tensor?[] { null, null }));
    }

    [Theory]
    [InlineData("concat")]
    [InlineData("sum")]
    public void Additive_modality_logits_differ_from_the_prediction_with_the_others_absent_by_the_other_biases_only(string name)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        FusionHead head = FusionFactory.Create(name, new long[] { 4, 6 }, classes: 3, hiddenSize: 8);
        Tensor[] embeddings = { randn(5, 4), randn(5, 6) };
        Tensor[] parts = head.ModalityLogits(embeddings);
        Tensor alone = head.Forward(MissingModality.Keep(embeddings, 0b01));
        // The shift is the same for every sample: the head with every modality absent minus modality a's share of it.
        Tensor empty = head.Forward(MissingModality.Keep(embeddings, 0));
        Tensor aShareOfEmpty = head.ModalityLogits(MissingModality.Keep(embeddings, 0))[0];
        Assert.True((alone - parts[0]).allclose((empty - aShareOfEmpty).expand(5, 3), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Encoders_map_each_modality_kind_to_an_embedding_and_learn()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        var options = new ModelOptions { Width = 4, Depth = 2 };
        var cases = new (ModalitySpec Spec, Tensor Input)[]
        {
            (new ModalitySpec("audio", ModalityKind.Spectrogram, new long[] { 1, 16, 12 }), randn(3, 1, 16, 12)),
            (new ModalitySpec("visual", ModalityKind.Video, new long[] { 2, 3, 12, 12 }), randn(new long[] { 3, 2, 3, 12, 12 })),
            (new ModalitySpec("text", ModalityKind.Vector, new long[] { 10 }), randn(3, 10)),
        };
        foreach (var (spec, input) in cases)
        {
            ModalityEncoder encoder = ModelFactory.CreateEncoder(spec, options);
            Tensor embedding = encoder.forward(input);
            Assert.Equal(new long[] { 3, encoder.EmbeddingSize }, embedding.shape);
            embedding.sum().backward();
            Assert.All(encoder.parameters(), p => Assert.True(p.grad is not null, $"{spec.Name}: a parameter got no gradient"));
        }
    }

    [Fact]
    public void Frame_encoder_averages_frames_over_time()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var encoder = (FrameEncoder)ModelFactory.CreateEncoder(new ModalitySpec("v", ModalityKind.Video, new long[] { 2, 3, 8, 8 }), new ModelOptions { Width = 4, Depth = 1 });
        encoder.eval();
        Tensor a = randn(new long[] { 1, 1, 3, 8, 8 }), b = randn(new long[] { 1, 1, 3, 8, 8 });
        Tensor clip = cat(new[] { a, b }, 1);
        Tensor expected = (encoder.forward(a) + encoder.forward(b)) / 2;
        Assert.True(encoder.forward(clip).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void ResNet18_has_torchvision_parameter_names_and_512_features()
    {
        using var scope = NewDisposeScope();
        var resnet = new ResNet2d(3, 64, new[] { 2, 2, 2, 2 }, imageNetStem: true);
        var names = resnet.state_dict().Keys.ToHashSet();
        Assert.Contains("conv1.weight", names);
        Assert.Contains("bn1.running_mean", names);
        Assert.Contains("layer1.0.conv1.weight", names);
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.Contains("layer4.1.bn2.num_batches_tracked", names);
        Assert.Equal(512, resnet.OutputFeatures);
        resnet.eval();
        Assert.Equal(new long[] { 1, 512 }, resnet.forward(randn(1, 3, 64, 64)).shape);
        Assert.Equal(11_176_512, resnet.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void The_classifier_exposes_embeddings_and_modality_logits_for_n_modalities()
    {
        using var scope = NewDisposeScope();
        var modalities = new[]
        {
            new ModalitySpec("a", ModalityKind.Vector, new long[] { 4 }),
            new ModalitySpec("b", ModalityKind.Vector, new long[] { 6 }),
            new ModalitySpec("c", ModalityKind.Vector, new long[] { 2 }),
        };
        var model = ModelFactory.Create(modalities, 5, new ModelOptions { MlpHidden = 8, Fusion = "attention" });
        ModelOutput output = model.Forward(new[] { randn(3, 4), randn(3, 6), randn(3, 2) });
        Assert.Equal(new long[] { 3, 5 }, output.Logits.shape);
        Assert.Equal(3, output.Embeddings.Count);
        Assert.Equal(3, output.ModalityLogits.Count);
        Assert.Equal(new[] { "a", "b", "c" }, model.ModalityNames);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(new[] { randn(3, 4) }));
        Assert.Contains("3 inputs", error.Message);
    }

    [Fact]
    public void Unknown_fusion_lists_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => new ModelOptions { Fusion = "mix" }.Validate());
        Assert.Contains("concat, sum, film, gated, attention", error.Message);
    }

    private static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();
}
