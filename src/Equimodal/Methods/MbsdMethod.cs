using Equimodal.Data;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// MBSD, modality-balanced self-distillation as implemented in BalanceMM (trainer/MBSD_trainer.py; cited there as Liu et
/// al., 2023). Loss = CE(fused) + sum_m CE(z_m) + mean over modality pairs (a, b) of mean_i w_i (RS_i + KL_i), where
/// w_i = |p_a,y - p_b,y| (true-class probabilities) if either modality's argmax is correct and 0 otherwise,
/// RS_i = mean_c (z_a,c - z_b,c)^2 pulls the two modalities' logits together, and KL_i = KL(p_strong || p_weak) distils
/// the modality with the higher true-class probability into the other (the stronger side detached).
/// Two deliberate differences from that code: it hands probabilities to kl_div, which expects log-probabilities, and it
/// lets gradients flow through w; here KL is a true KL divergence and w is a constant weight. For two modalities this is
/// the published loss; for more, the pairs' terms are averaged.
/// </summary>
[Method("mbsd", "MBSD (BalanceMM): fused and unimodal CE plus confidence-gap-weighted logit distance and KL distillation between modalities.", MinModalities = 2)]
public sealed class MbsdMethod : TrainingMethod
{
    /// <summary>Creates the method; it has no options.</summary>
    public MbsdMethod(MethodSettings settings)
    {
    }

    /// <summary>w_i: |p_a,y - p_b,y| where at least one of the two modalities predicts sample i correctly, else 0 (no gradient).</summary>
    public static Tensor SampleWeights(Tensor logitsA, Tensor logitsB, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor gap = (TrueClass.Probability(logitsA, labels) - TrueClass.Probability(logitsB, labels)).abs();
        Tensor eitherCorrect = logitsA.argmax(1).eq(labels).logical_or(logitsB.argmax(1).eq(labels)).to(float32);
        return (gap * eitherCorrect).MoveToOuterDisposeScope();
    }

    /// <summary>The pair term mean_i w_i (RS_i + KL_i) of modalities a and b.</summary>
    public static Tensor PairTerm(Tensor logitsA, Tensor logitsB, Tensor labels)
    {
        using var scope = NewDisposeScope();
        Tensor weights = SampleWeights(logitsA, logitsB, labels);
        Tensor distance = (logitsA - logitsB).pow(Held(2)).mean(new long[] { 1 });
        Tensor aStronger;
        using (no_grad()) aStronger = TrueClass.Probability(logitsA, labels).ge(TrueClass.Probability(logitsB, labels)).unsqueeze(1);
        Tensor strong = where(aStronger, logitsA.detach(), logitsB.detach());
        Tensor weak = where(aStronger, logitsB, logitsA);
        Tensor strongLog = nn.functional.log_softmax(strong, 1);
        Tensor divergence = (strongLog.exp() * (strongLog - nn.functional.log_softmax(weak, 1))).sum(dim: 1);
        return (weights * distance.add(divergence, One)).mean().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Models.ModelOutput output = Context.Model.Forward(batch.Inputs);
        IReadOnlyList<Tensor> z = output.ModalityLogits;
        Tensor loss = nn.functional.cross_entropy(output.Logits, batch.Labels);
        foreach (Tensor logits in z) loss = loss.add(nn.functional.cross_entropy(logits, batch.Labels), One);
        return new StepOutput(loss.add(Distillation(z, batch.Labels), One), output.Logits);
    }

    /// <summary>The self-distillation between the modalities: <see cref="PairTerm"/> averaged over every pair of their own logits.</summary>
    public static Tensor Distillation(IReadOnlyList<Tensor> modalityLogits, Tensor labels)
    {
        Tensor pairs = zeros(Array.Empty<long>(), dtype: modalityLogits[0].dtype, device: modalityLogits[0].device);
        int count = 0;
        for (int a = 0; a < modalityLogits.Count; a++)
        {
            for (int b = a + 1; b < modalityLogits.Count; b++, count++) pairs = pairs.add(PairTerm(modalityLogits[a], modalityLogits[b], labels), One);
        }
        return pairs / Held(count);
    }
}
