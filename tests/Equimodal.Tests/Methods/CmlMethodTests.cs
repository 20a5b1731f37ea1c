using Equimodal.Methods;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class CmlMethodTests
{
    [Fact]
    public void Penalty_sums_each_samples_confidence_rises_along_the_removal_chain()
    {
        using Tensor all = tensor(new float[] { 0.9f, 0.5f }), one = tensor(new float[] { 0.8f, 0.7f }), none = tensor(new float[] { 0.95f, 0.6f });
        // Sample 0: drop 0.1 then rise 0.15; sample 1: rise 0.2 then drop 0.1. Per sample: 0.15 and 0.2, mean 0.175.
        Assert.Equal(0.175, CmlMethod.CalibrationPenalty(new[] { all, one, none }).item<float>(), 5);
        // A per-batch hinge would see -0.1 + 0.2 = 0.1 and 0.15 - 0.1 = 0.05: rises that cancel are still penalised here.
        Assert.Equal(0, CmlMethod.CalibrationPenalty(new[] { all, all * 0.5f }).item<float>());
    }

    [Fact]
    public void Without_the_penalty_the_loss_averages_the_full_and_the_reduced_cross_entropies_in_the_drawn_order()
    {
        using var bench = new MethodTestBench(MethodRegistry.Create("cml", MethodSettings.Parse(new[] { "lambda=0" })));
        double full, withoutAudio, withoutVisual;
        using (no_grad())
        {
            Tensor[] e = bench.Model.Encode(bench.Batch.Inputs);
            double Ce(Tensor logits) => nn.functional.cross_entropy(logits, bench.Batch.Labels).item<float>();
            full = Ce(bench.Model.Fuse(e));
            withoutAudio = Ce(bench.Model.Fuse(new[] { zeros_like(e[0]), e[1] }));
            withoutVisual = Ce(bench.Model.Fuse(new[] { e[0], zeros_like(e[1]) }));
        }
        // The removal order is torch's randperm, the only draw of the step: seeds 0 and 1 draw both orders, so both
        // branches are checked, each against the modality that order removes first.
        var removedFirst = new List<long>();
        foreach (long seed in new long[] { 0, 1 })
        {
            manual_seed(seed);
            long first = randperm(2).data<long>().ToArray()[0];
            removedFirst.Add(first);
            manual_seed(seed);
            var (_, output) = bench.ForwardBackward(epoch: 0);
            Assert.Equal((full + (first == 0 ? withoutAudio : withoutVisual)) / 2, output.Loss.item<float>(), 5);
        }
        Assert.Equal(new long[] { 0, 1 }, removedFirst.Order());
    }
}
