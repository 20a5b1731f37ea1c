using Equimodal.Attribution;
using Equimodal.Models;
using TorchSharp;
using static Equimodal.Tests.Attribution.AttributionModels;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

public class GradientMethodsTests
{
    private static readonly long[] Sizes = { 3, 4 };

    [Fact]
    public void On_a_linear_model_gradient_times_input_is_input_times_weight_and_saliency_is_the_weight()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Identity(Sizes, classes: 3);
        Tensor weight = ((ConcatFusion)model.Fusion).Classifier.weight!.detach();
        Tensor[] x = Inputs(4, Sizes);
        long[] labels = { 0, 2, 1, 2 };
        Tensor rows = weight.index_select(0, tensor(labels));
        using AttributionResult gxi = new GradientTimesInput(model).Attribute(x, AttributionTarget.Classes(labels));
        Assert.True(MaxDifference(gxi.PerModality[0], x[0] * rows[.., ..3]) < 1e-12);
        Assert.True(MaxDifference(gxi.PerModality[1], x[1] * rows[.., 3..]) < 1e-12);
        Assert.Null(gxi.Delta);
        using AttributionResult signed = new Saliency(model).Attribute(x, AttributionTarget.Classes(labels), new AttributionOptions { AbsoluteSaliency = false });
        Assert.True(MaxDifference(signed.PerModality[1], rows[.., 3..]) < 1e-12);
        using AttributionResult absolute = new Saliency(model).Attribute(x, AttributionTarget.Classes(labels));
        Assert.True(MaxDifference(absolute.PerModality[1], rows[.., 3..].abs()) < 1e-12);
    }

    [Fact]
    public void Max_logit_and_predicted_class_targets_pick_the_largest_logit_at_the_input()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Identity(Sizes, classes: 3);
        Tensor weight = ((ConcatFusion)model.Fusion).Classifier.weight!.detach();
        Tensor[] x = Inputs(6, Sizes);
        Tensor predicted = Logits(model, x).argmax(1);
        Tensor rows = weight.index_select(0, predicted);
        foreach (AttributionTarget target in new[] { AttributionTarget.PredictedClass, AttributionTarget.MaxLogit })
        {
            using AttributionResult gxi = new GradientTimesInput(model).Attribute(x, target);
            Assert.True(MaxDifference(gxi.PerModality[0], x[0] * rows[.., ..3]) < 1e-12);
        }
    }

    [Fact]
    public void Bad_targets_and_baselines_throw_instead_of_aborting()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Identity(Sizes, classes: 3);
        Tensor[] x = Inputs(2, Sizes);
        var ig = new IntegratedGradients(model);
        Assert.Throws<ArgumentException>(() => ig.Attribute(x, AttributionTarget.Class(3)));
        Assert.Throws<ArgumentException>(() => ig.Attribute(x, AttributionTarget.Classes(new long[] { 0, 1, 2 })));
        Assert.Throws<ArgumentException>(() => ig.Attribute(x, AttributionTarget.Class(0), new AttributionOptions { Baselines = new[] { zeros(5, ScalarType.Float64), zeros(4, ScalarType.Float64) } }));
        Assert.Throws<ArgumentException>(() => ig.Attribute(new[] { x[0], x[1][..1] }, AttributionTarget.Class(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ig.Attribute(x, AttributionTarget.Class(0), new AttributionOptions { Steps = 0 }));
    }

    public static TheoryData<string> Methods => new() { "ig", "gxi", "saliency" };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Embedding_attribution_equals_input_attribution_when_encoders_are_identities(string method)
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Identity(Sizes, classes: 3, fusion: "gated");
        AttributionMethod attribution = method switch
        {
            "ig" => new IntegratedGradients(model),
            "gxi" => new GradientTimesInput(model),
            _ => new Saliency(model),
        };
        Tensor[] x = Inputs(4, Sizes);
        using AttributionResult atInput = attribution.Attribute(x, AttributionTarget.Class(1), new AttributionOptions { Steps = 8 });
        using AttributionResult atEmbedding = attribution.Attribute(x, AttributionTarget.Class(1), new AttributionOptions { Steps = 8, Layer = AttributionLayer.Embedding });
        using AttributionResult fromEmbeddings = attribution.AttributeEmbeddings(model.Encode(x), AttributionTarget.Class(1), new AttributionOptions { Steps = 8 });
        for (int m = 0; m < Sizes.Length; m++)
        {
            Assert.True(atInput.PerModality[m].abs().sum().item<double>() > 0);
            Assert.True(MaxDifference(atInput.PerModality[m], atEmbedding.PerModality[m]) < 1e-12);
            Assert.True(MaxDifference(atInput.PerModality[m], fromEmbeddings.PerModality[m]) < 1e-12);
        }
    }

    [Fact]
    public void Embedding_attribution_has_the_embedding_shape_on_a_real_encoder()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3);
        using AttributionResult result = new IntegratedGradients(model).Attribute(Inputs(2, Sizes), AttributionTarget.Class(0),
            new AttributionOptions { Layer = AttributionLayer.Embedding, Steps = 4 });
        Assert.All(result.PerModality, a => Assert.Equal(new long[] { 2, 5 }, a.shape));
        Assert.True(result.Delta!.abs().max().item<double>() < 1e-10, "IG on a linear head must be exact at the embedding level");
    }
}
