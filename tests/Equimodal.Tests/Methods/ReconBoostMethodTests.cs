using Equimodal.Methods;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

public class ReconBoostMethodTests
{
    [Fact]
    public void Stages_alternate_learners_and_rectification_batch_by_batch()
    {
        Assert.Equal(new[] { 0, -1, 1, -1, 0, -1 }, Enumerable.Range(0, 6).Select(s => ReconBoostMethod.LearnerAt(s, 2)));
        Assert.Equal(new[] { 0, -1, 1, -1, 2, -1, 0 }, Enumerable.Range(0, 7).Select(s => ReconBoostMethod.LearnerAt(s, 3)));
    }

    [Fact]
    public void Boosting_loss_weighs_a_sample_by_how_badly_the_others_predict_it()
    {
        float ln3 = (float)Math.Log(3);
        using Tensor learner = tensor(new[] { ln3, 0 }).reshape(1, 2), others = zeros(1, 2), labels = tensor(new long[] { 0 });
        // log p = ln 0.75; weight = -5 + 1 * 0.5; divided by C = 2.
        Assert.Equal(-4.5 * Math.Log(0.75) / 2, ReconBoostMethod.BoostingLoss(learner, others, labels, 5, 1).item<float>(), 5);
    }

    [Fact]
    public void A_learner_step_reaches_only_that_modalitys_encoder()
    {
        using var bench = new MethodTestBench(MethodRegistry.Create("reconboost"));
        bench.ForwardBackward(epoch: 0); // global step 0: the first modality's learner
        var gradients = bench.Gradients();
        Assert.Contains(gradients, g => g.Key.Contains("audio", StringComparison.Ordinal) && g.Value.abs().sum().item<float>() > 0);
        Assert.DoesNotContain(gradients, g => g.Key.Contains("visual", StringComparison.Ordinal) && g.Value.abs().sum().item<float>() > 0);
    }
}
