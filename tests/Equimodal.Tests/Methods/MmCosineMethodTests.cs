using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class MmCosineMethodTests
{
    [Fact]
    public void Logits_are_the_scaled_sum_of_cosines_without_bias_and_ignore_norms()
    {
        using var head = new CosineFusion(new long[] { 2, 2 }, 2);
        using (no_grad())
        {
            head.Weight(0).copy_(tensor(new float[] { 1, 0, 0, 2 }).reshape(2, 2));
            head.Weight(1).copy_(tensor(new float[] { 1, 1, 0, 1 }).reshape(2, 2));
        }
        using Tensor audio = tensor(new float[] { 3, 4 }).reshape(1, 2), visual = tensor(new float[] { 0, -2 }).reshape(1, 2);
        // cos(audio) = [0.6, 0.8]; cos(visual) = [-1/sqrt(2), -1]; times 15, summed.
        float[] logits = head.Forward(new[] { audio, visual }).data<float>().ToArray();
        Assert.Equal(15 * (0.6 - Math.Sqrt(0.5)), logits[0], 4);
        Assert.Equal(15 * (0.8 - 1), logits[1], 4);
        float[] scaledInputs = head.Forward(new[] { audio * 7, visual * 0.1 }).data<float>().ToArray();
        Assert.Equal(logits, scaledInputs, (a, b) => Math.Abs(a - b) < 1e-4);
    }

    [Fact]
    public void The_method_trains_the_cosine_head_with_its_scale()
    {
        var method = MethodRegistry.Create("mmcosine", MethodSettings.Parse(new[] { "scale=2" }));
        Assert.Equal("cosine", method.ConfigureModel(new ModelOptions { Fusion = "gated" }).Fusion);
        using var bench = new MethodTestBench(method);
        var head = Assert.IsType<CosineFusion>(bench.Model.Fusion);
        Assert.Equal(2, head.Scale);
        // The scale is a buffer: a saved model predicts with it.
        Assert.Contains(bench.Model.state_dict().Keys, key => key.EndsWith("scale", StringComparison.Ordinal));
        var (_, output) = bench.ForwardBackward(epoch: 0);
        using var noGrad = no_grad();
        // Every logit is a sum of two cosines times 2: within [-4, 4].
        Assert.True(output.Logits.abs().max().item<float>() <= 4 + 1e-4);
    }
}
