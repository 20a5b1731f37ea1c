using Equimodal.Methods;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class PmrMethodTests
{
    [Fact]
    public void Prototypes_are_class_means_and_similarities_negative_distances()
    {
        using Tensor features = tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(3, 2), labels = tensor(new long[] { 0, 0, 1 });
        float[] means = PmrMethod.ClassMeans(features, labels, 3).data<float>().ToArray();
        Assert.Equal(new float[] { 2, 3, 5, 6 }, means[..4]);
        Assert.True(float.IsNaN(means[4]) && float.IsNaN(means[5]));
        using Tensor prototypes = tensor(new float[] { 0, 0, 3, 4 }).reshape(2, 2);
        Assert.Equal(new float[] { -5, 0 }, PmrMethod.Similarities(tensor(new float[] { 3, 4 }).reshape(1, 2), prototypes).data<float>().ToArray());
    }

    [Fact]
    public void The_slower_modality_gets_the_prototypical_cross_entropy()
    {
        using var bench = new MethodTestBench(MethodRegistry.Create("pmr", MethodSettings.Parse(new[] { "mu=0" })));
        var method = (PmrMethod)bench.Method;
        method.OnEpochStart(0);
        Assert.All(method.Prototypes, p => Assert.True(p.isfinite().all().item<bool>()));
        var (_, output) = bench.ForwardBackward(epoch: 0);
        using var noGrad = no_grad();
        var full = bench.Model.Forward(bench.Batch.Inputs);
        Tensor[] sims = full.Embeddings.Select((h, m) => PmrMethod.Similarities(h, method.Prototypes[m])).ToArray();
        double[] scores = sims.Select(s => TrueClass.Score(s, bench.Batch.Labels)).ToArray();
        int slower = scores[0] > scores[1] ? 1 : 0;
        double expected = nn.functional.cross_entropy(full.Logits, bench.Batch.Labels).item<float>()
            + 0.6 * nn.functional.cross_entropy(sims[slower], bench.Batch.Labels).item<float>();
        Assert.Equal(expected, output.Loss.item<float>(), 4);
        Assert.Contains("defined for 2 modalities", Assert.Throws<ArgumentException>(() =>
            RunPlan.CheckRequirements(MethodRegistry.Create("pmr"), new[] { "a", "b", "c" }, "concat")).Message);
    }
}
