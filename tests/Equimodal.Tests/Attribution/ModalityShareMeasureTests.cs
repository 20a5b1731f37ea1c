using Equimodal.Attribution;
using Equimodal.Models;
using static TorchSharp.torch;

namespace Equimodal.Tests.Attribution;

/// <summary>The one share measure evaluation, prediction and attr-reg use, by hand on a linear concat head.</summary>
public class ModalityShareMeasureTests
{
    // Head [2 classes, 2 + 1 features]: class 0 reads (1, 2 | 0), class 1 reads (0, 0 | 3); no bias.
    private static MultimodalClassifier Model()
    {
        var model = new MultimodalClassifier(
            new (string, ModalityEncoder)[] { ("a", new MlpEncoder(2, Array.Empty<long>())), ("b", new MlpEncoder(1, Array.Empty<long>())) },
            new ConcatFusion(new[] { 2L, 1L }, 2));
        using var noGrad = no_grad();
        var head = ((ConcatFusion)model.Fusion).Classifier;
        head.weight!.copy_(tensor(new float[] { 1, 2, 0, 0, 0, 3 }).view(2, 3));
        head.bias!.zero_();
        return model;
    }

    [Fact]
    public void Reported_shares_are_the_l2_pooled_gradient_times_input_of_the_predicted_class()
    {
        using var scope = NewDisposeScope();
        using MultimodalClassifier model = Model();
        // Sample 0: logits (1*1 + 2*1, 3*0.5) = (3, 1.5): class 0, A_a = (1, 2), A_b = 0 -> shares (1, 0).
        // Sample 1: logits (1*1 + 2*0, 3*1) = (1, 3): class 1, A_a = (0, 0), A_b = 3 -> shares (0, 1).
        // Sample 2: logits (1*0.5 + 2*1, 3*2) = (2.5, 6): class 1, A_b = 6 -> (0, 1); of class 0: A_a = (0.5, 2), A_b = 0 -> (1, 0).
        Tensor[] embeddings = { tensor(new float[] { 1, 1, 1, 0, 0.5f, 1 }).view(3, 2), tensor(new float[] { 0.5f, 1, 2 }).view(3, 1) };
        Tensor shares = ModalityShareMeasure.Reported(model).Shares(embeddings, AttributionTarget.PredictedClass);
        double[] measured = shares.to_type(ScalarType.Float64).data<double>().ToArray();
        double[] expected = { 1, 0, 0, 1, 0, 1 };
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], measured[i], 5);

        // Another class, and another quantity of the logits: log p_c, whose gradient is W[c] - sum_k p_k W[k].
        Tensor labelled = ModalityShareMeasure.Reported(model).Shares(embeddings, AttributionTarget.Classes(0, 0, 0));
        Assert.Equal(1.0, labelled[2, 0].item<float>(), 5);
        Tensor logProb = ModalityShareMeasure.Reported(model).Shares(embeddings, AttributionTarget.Classes(0, 0, 0), ofLogits: z => z.log_softmax(1));
        double p0 = 1 / (1 + Math.Exp(1.5 - 3)), p1 = 1 - p0;
        // Sample 0: d log p_0 / d e = (1, 2, 0) - p0 (1, 2, 0) - p1 (0, 0, 3) = p1 (1, 2, -3); times e = p1 (1, 2, -1.5).
        double normA = p1 * Math.Sqrt(1 + 4), normB = p1 * 1.5;
        Assert.Equal(normA / (normA + normB), logProb[0, 0].item<float>(), 5);
    }

    [Fact]
    public void Differentiable_shares_carry_the_graph_and_the_raw_inputs_are_refused()
    {
        using var scope = NewDisposeScope();
        using MultimodalClassifier model = Model();
        Tensor[] embeddings = { tensor(new float[] { 1, 1 }).view(1, 2).requires_grad_(), tensor(new float[] { 0.5f }).view(1, 1).requires_grad_() };
        var measure = new ModalityShareMeasure(new GradientTimesInput(model), AttributionPooling.L1);
        Tensor share = measure.Shares(embeddings, AttributionTarget.PredictedClass, differentiable: true);
        // Class 0: A_a = (1, 2), A_b = 0, so a's L1 share is 1.
        Assert.True(share.requires_grad);
        Assert.Equal(1.0, share[0, 0].item<float>(), 6);
        Assert.Throws<ArgumentException>(() => new ModalityShareMeasure(new GradientTimesInput(model), AttributionPooling.L2, AttributionLayer.Input));
    }
}
