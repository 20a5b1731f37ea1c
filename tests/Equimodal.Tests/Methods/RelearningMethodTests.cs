using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class RelearningMethodTests
{
    [Fact]
    public void Purity_kmeans_scaling_and_strength_match_hand_computed_values()
    {
        Assert.Equal(0.75, RelearningMethod.Purity(new long[] { 0, 0, 1, 1 }, new long[] { 0, 1, 1, 1 }));
        Assert.Equal(1, RelearningMethod.Purity(new long[] { 5, 5, 2 }, new long[] { 1, 1, 0 }));
        using Tensor blobs = tensor(new float[] { 0, 0, 0, 1, 10, 10, 10, 11, 0.5f, 0 }).reshape(5, 2);
        long[] clusters = RelearningMethod.KMeans(blobs, 2);
        Assert.Equal(clusters[0], clusters[1]);
        Assert.Equal(clusters[0], clusters[4]);
        Assert.Equal(clusters[2], clusters[3]);
        Assert.NotEqual(clusters[0], clusters[2]);
        using Tensor scaled = RelearningMethod.MinMaxScale(tensor(new float[] { 0, 5, 2, 5, 4, 5 }).reshape(3, 2));
        Assert.Equal(new float[] { -1, 0, 0, 0, 1, 0 }, scaled.data<float>().ToArray());
        Assert.Equal(Math.Tanh(0.9), RelearningMethod.Strength(0.9, 0.6, 3), 12);
    }

    [Fact]
    public void Relearning_blends_each_encoder_toward_its_initial_weights_after_a_kth_epoch()
    {
        using var bench = new MethodTestBench(MethodRegistry.Create("relearning", MethodSettings.Parse(new[] { "every=1" })));
        var method = (RelearningMethod)bench.Method;
        Tensor[] initial = bench.Model.EncoderParameters(0).Select(p => p.detach().clone()).ToArray();
        using (no_grad())
            foreach (var p in bench.Model.EncoderParameters(0)) p.add_(1);
        Tensor[] trained = bench.Model.EncoderParameters(0).Select(p => p.detach().clone()).ToArray();
        method.OnEpochStart(1); // after epoch 0: no diagnosis
        Assert.True(bench.Model.EncoderParameters(0).First().allclose(trained[0], rtol: 0, atol: 0));
        // The strength is tanh(lambda |P_train - P_val|) of the audio encoder's k-means purities on the train and
        // validation features (each column min-max scaled, one cluster per class), measured here before the blend.
        var (trainFeatures, trainLabels) = EncoderFeatures.Extract(bench.Model, TestData.Small.Train, 32, CPU);
        var (validationFeatures, validationLabels) = EncoderFeatures.Extract(bench.Model, TestData.Small.Validation, 32, CPU);
        double Purity(Tensor features, Tensor labels)
        {
            using Tensor scaled = RelearningMethod.MinMaxScale(features);
            return RelearningMethod.Purity(RelearningMethod.KMeans(scaled, 6), labels.data<long>().ToArray());
        }
        double expected = RelearningMethod.Strength(Purity(trainFeatures[0], trainLabels), Purity(validationFeatures[0], validationLabels), method.Lambda);
        method.OnEpochStart(2); // after epoch 1
        double strength = method.EpochMetrics()["relearning.strength.audio"];
        Assert.Equal(expected, strength, 12);
        Assert.NotEqual(0, strength);
        using var noGrad = no_grad();
        var now = bench.Model.EncoderParameters(0).ToArray();
        for (int i = 0; i < now.Length; i++)
            Assert.True(now[i].allclose(trained[i] * (1 - strength) + initial[i] * strength, rtol: 1e-5, atol: 1e-6));
        // A resumed epoch does not re-learn twice.
        Tensor once = now[0].detach().clone();
        method.OnEpochStart(2);
        Assert.True(now[0].allclose(once, rtol: 0, atol: 0));
    }
}
