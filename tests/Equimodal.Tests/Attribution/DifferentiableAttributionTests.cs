using Equimodal.Attribution;
using Equimodal.Models;
using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Tests.Attribution.AttributionModels;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

public class DifferentiableAttributionTests
{
    private static readonly long[] Sizes = { 3, 4 };

    /// <summary>A loss built from attribution shares: the batch-mean share of modality 0 (L2 pooling, smooth).</summary>
    private static Tensor ShareLoss(AttributionMethod method, Tensor[] x, AttributionLayer layer, bool differentiable)
    {
        using AttributionResult result = method.Attribute(x, AttributionTarget.Class(1),
            new AttributionOptions { Layer = layer, Steps = 4, Differentiable = differentiable, ComputeDelta = false });
        return AttributionShares.BatchMean(AttributionShares.Shares(result.PerModality, AttributionPooling.L2))[0];
    }

    public static TheoryData<string, AttributionLayer> Cases => new()
    {
        { "ig", AttributionLayer.Embedding }, { "ig", AttributionLayer.Input }, { "gxi", AttributionLayer.Embedding }, { "gxi", AttributionLayer.Input },
    };

    private static AttributionMethod Create(string method, MultimodalClassifier model) =>
        method == "ig" ? new IntegratedGradients(model) : new GradientTimesInput(model);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Share_loss_gradients_match_finite_differences_and_reach_every_parameter(string method, AttributionLayer layer)
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3);
        Tensor[] x = Inputs(3, Sizes);
        AttributionMethod attribution = Create(method, model);
        Tensor loss = ShareLoss(attribution, x, layer, differentiable: true);
        Assert.True(loss.requires_grad);
        loss.backward();

        Parameter[] parameters = model.parameters().ToArray();
        // Weight matrices only: with ReLU layers the gradients (and so the attributions) are piecewise constant in the
        // biases, which therefore rightly get no gradient at the input level.
        Assert.All(model.FusionParameters().Where(p => p.dim() == 2), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<double>() > 0, "no gradient in the fusion head"));
        Assert.All(model.EncoderParameters(0).Where(p => p.dim() == 2), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<double>() > 0, "no gradient in encoder 0"));

        const double h = 1e-6;
        foreach (Parameter parameter in new[] { ((ConcatFusion)model.Fusion).Classifier.weight!, parameters[0] })
        {
            double analytic = parameter.grad![0, 1].item<double>();
            double original = parameter[0, 1].item<double>();
            double Perturbed(double value)
            {
                using (no_grad()) parameter[0, 1] = value;
                return ShareLoss(attribution, x, layer, differentiable: false).item<double>();
            }
            double numeric = (Perturbed(original + h) - Perturbed(original - h)) / (2 * h);
            Perturbed(original);
            Assert.True(Math.Abs(analytic - numeric) < 1e-6 + 1e-4 * Math.Abs(numeric), $"analytic {analytic} vs numeric {numeric}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Without_the_flag_no_graph_is_kept_and_no_parameter_gradient_is_computed(string method, AttributionLayer layer)
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3);
        using AttributionResult result = Create(method, model).Attribute(Inputs(3, Sizes), AttributionTarget.Class(1), new AttributionOptions { Layer = layer, Steps = 4 });
        Assert.All(result.PerModality, a => Assert.False(a.requires_grad));
        Assert.False(result.Delta?.requires_grad ?? false);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Attributing_given_embeddings_keeps_their_graph_back_to_the_encoders()
    {
        using var scope = NewDisposeScope();
        MultimodalClassifier model = Mlp(Sizes, classes: 3);
        Tensor[] embeddings = model.Encode(Inputs(3, Sizes));
        using AttributionResult result = new GradientTimesInput(model).AttributeEmbeddings(embeddings, AttributionTarget.Class(0), new AttributionOptions { Differentiable = true });
        AttributionShares.Shares(result.PerModality)[.., 1].sum().backward();
        Assert.All(model.EncoderParameters(1), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<double>() > 0));
    }
}
