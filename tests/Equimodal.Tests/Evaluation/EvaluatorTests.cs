using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Models;
using Equimodal.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Evaluation;

public class EvaluatorTests
{
    [Fact]
    public void Data_listing_the_modalities_in_another_order_evaluates_as_the_model_order_once_bound()
    {
        var generator = new torch.Generator(11);
        Tensor audio = randn(new long[] { 40, 3 }, generator: generator);
        Tensor visual = randn(new long[] { 40, 3 }, generator: generator);
        Tensor labels = randint(0, 3, new long[] { 40 }, generator: generator);
        string[] classes = { "a", "b", "c" };
        var inModelOrder = new TensorDataset(new[] { VectorSpecs.Audio, VectorSpecs.Visual }, classes, new[] { audio, visual }, labels);
        var swapped = new TensorDataset(new[] { VectorSpecs.Visual, VectorSpecs.Audio }, classes, new[] { visual, audio }, labels);
        torch.manual_seed(2);
        using MultimodalClassifier model = ModelFactory.Create(new[] { VectorSpecs.Audio, VectorSpecs.Visual }, 3, TestData.TinyModel);

        EvaluationResult expected = Evaluator.Evaluate(model, inModelOrder, 16, CPU);
        EvaluationResult bound = Evaluator.Evaluate(model, ModalityBinding.Bind(swapped, model.ModalityNames, "The model"), 16, CPU);
        Assert.Equal(expected.Loss, bound.Loss);
        Assert.Equal(expected.Accuracy, bound.Accuracy);
        Assert.Equal(expected.ModalityAccuracy, bound.ModalityAccuracy);
        Assert.Equal(expected.AttributionShares, bound.AttributionShares);
        // The same shapes would let the inputs swap silently: read in the dataset's order, the fused loss differs.
        var readSwapped = new TensorDataset(new[] { VectorSpecs.Audio, VectorSpecs.Visual }, classes, new[] { visual, audio }, labels);
        Assert.NotEqual(expected.Loss, Evaluator.Evaluate(model, readSwapped, 16, CPU).Loss);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, swapped, 16, CPU));
    }
}
