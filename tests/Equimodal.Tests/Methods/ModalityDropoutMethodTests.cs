using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class ModalityDropoutMethodTests
{
    [Fact]
    public void Keep_mask_drops_each_modality_with_probability_p_but_never_a_whole_sample()
    {
        torch.manual_seed(5);
        const int samples = 20000;
        using Tensor none = ModalityDropoutMethod.KeepMask(samples, 2, 0);
        Assert.Equal(2 * samples, none.sum().item<float>());

        using Tensor all = ModalityDropoutMethod.KeepMask(samples, 3, 1);
        Assert.True(all.sum(dim: 1).eq(1).all().item<bool>());
        // Every sample keeps one modality, chosen uniformly: each is kept in about a third of the samples.
        foreach (float kept in all.mean(new long[] { 0 }).data<float>()) Assert.InRange(kept, 1 / 3.0 - 0.015, 1 / 3.0 + 0.015);

        using Tensor half = ModalityDropoutMethod.KeepMask(samples, 2, 0.5);
        Assert.True(half.sum(dim: 1).ge(1).all().item<bool>());
        // P(dropped) = P(only this one drawn to drop) + P(both drawn) * P(the other is the one kept) = 0.25 + 0.25 * 0.5.
        foreach (float kept in half.mean(new long[] { 0 }).data<float>()) Assert.InRange(1 - kept, 0.375 - 0.015, 0.375 + 0.015);
    }

    [Fact]
    public void Training_logits_come_from_the_kept_embeddings_only()
    {
        var method = (ModalityDropoutMethod)MethodRegistry.Create("modality-dropout", MethodSettings.Parse(new[] { "p=1" }));
        using var bench = new MethodTestBench(method);
        var (_, output) = bench.ForwardBackward(epoch: 0);
        using var noGrad = no_grad();
        // Concat fusion with a zeroed embedding: logits = z_kept + b / 2, z_m being modality m's own logits (b/2 included).
        var full = bench.Model.Forward(bench.Batch.Inputs);
        Tensor bias = ((Equimodal.Models.ConcatFusion)bench.Model.Fusion).Classifier.bias! / 2;
        Tensor audioOnly = full.ModalityLogits[0] + bias, visualOnly = full.ModalityLogits[1] + bias;
        Tensor matchesAudio = (output.Logits - audioOnly).abs().amax(new long[] { 1 }).lt(1e-5);
        Tensor matchesVisual = (output.Logits - visualOnly).abs().amax(new long[] { 1 }).lt(1e-5);
        Assert.True(matchesAudio.logical_xor(matchesVisual).all().item<bool>());
        Assert.True(matchesAudio.any().item<bool>() && matchesVisual.any().item<bool>());
    }

    [Fact]
    public void Probability_must_be_in_zero_one()
    {
        Assert.Equal(0.25, ((ModalityDropoutMethod)MethodRegistry.Create("modality-dropout")).Probability);
        var error = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("modality-dropout", MethodSettings.Parse(new[] { "p=1.5" })));
        Assert.Contains("[0, 1]", error.Message);
    }
}
