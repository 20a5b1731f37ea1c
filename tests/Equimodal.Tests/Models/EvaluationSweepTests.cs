using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Models;

public class EvaluationSweepTests
{
    private static TensorDataset Data(IReadOnlyList<ModalitySpec> modalities, int samples = 10)
    {
        var generator = new torch.Generator(7);
        Tensor[] inputs = modalities.Select(_ => randn(new long[] { samples, 3 }, generator: generator)).ToArray();
        return new TensorDataset(modalities, new[] { "a", "b" }, inputs, tensor(Enumerable.Range(0, samples).Select(i => (long)(i % 3 % 2)).ToArray()));
    }

    private static MultimodalClassifier Model()
    {
        torch.manual_seed(1);
        return ModelFactory.Create(new[] { VectorSpecs.Audio, VectorSpecs.Visual }, 2, TestData.TinyModel);
    }

    [Fact]
    public void The_sweep_visits_every_sample_in_order_in_evaluation_mode_without_gradients()
    {
        using MultimodalClassifier model = Model();
        TensorDataset data = Data(new[] { VectorSpecs.Audio, VectorSpecs.Visual });
        var labels = new List<long>();
        var sizes = new List<long>();
        EvaluationSweep.Run(model, data, 4, CPU, batch =>
        {
            Assert.False(model.training);
            Assert.All(model.modules(), m => Assert.False(m.training));
            Assert.False(torch.is_grad_enabled());
            labels.AddRange(batch.Labels.data<long>().ToArray());
            sizes.Add(batch.Size);
        });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)(i % 3 % 2)), labels);
        Assert.Equal(new long[] { 4, 4, 2 }, sizes);
        Assert.True(model.training);
        Assert.True(torch.is_grad_enabled());
    }

    [Fact]
    public void Every_module_gets_its_own_mode_back_when_the_visitor_throws()
    {
        using MultimodalClassifier model = Model();
        model.train();
        model.Encoder(0).eval();
        Dictionary<nn.Module, bool> before = model.modules().ToDictionary(m => m, m => m.training);
        int visited = 0;
        var error = Assert.Throws<InvalidOperationException>(() => EvaluationSweep.Run(model, Data(new[] { VectorSpecs.Audio, VectorSpecs.Visual }), 4, CPU, _ =>
        {
            if (++visited == 2) throw new InvalidOperationException("stop");
        }));
        Assert.Equal("stop", error.Message);
        Assert.True(model.training);
        Assert.False(model.Encoder(0).training);
        Assert.True(model.Encoder(1).training);
        Assert.All(model.modules(), m => Assert.Equal(before[m], m.training));
        Assert.True(torch.is_grad_enabled());
    }

    [Fact]
    public void A_dataset_not_bound_to_the_model_is_refused_naming_both_orders()
    {
        using MultimodalClassifier model = Model();
        var error = Assert.Throws<ArgumentException>(() => EvaluationSweep.Run(model, Data(new[] { VectorSpecs.Visual, VectorSpecs.Audio }), 4, CPU, _ => { }));
        Assert.StartsWith("The dataset's inputs (visual, audio) are not the model's (audio, visual) in order", error.Message);
    }
}
