using Equimodal.Data;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// ReconBoost, "ReconBoost: Boosting Can Achieve Modality Reconcilement" (Hua, Xu, Yang et al., ICML 2024). Each modality's
/// learner is f_m (its encoder and its share of a head whose fused logits are sum_m f_m, the ensemble used at test time).
/// Training alternates: a learner stage updates only learner m on the boosting loss
/// mean_i (-w1 + w2 softmax(J)[i, y_i]) log softmax(f_m)[i, y_i] / C, J = sum_{k != m} f_k the other learners' ensemble
/// (constant), which weighs the samples the others get wrong, plus alpha times the mean squared difference between
/// softmax(f_m) and the previous modality's softmax(f_m-1) (constant; from the second epoch on), the reconcilement term;
/// then a rectification stage takes the ensemble's cross-entropy over all parameters. BalanceMM
/// (trainer/ReconBoost_trainer.py) detaches both sides of the reconcilement term, so it has no effect; here it acts on
/// the current learner. It also runs each stage for T whole passes over the data (one epoch = 2 M T passes); here the
/// stages alternate batch by batch (learner 0, rectify, learner 1, rectify, ...), so an epoch is one pass as for every
/// other method, and its learnable ensemble scale (initialised to 0.01) is left out. Defaults w1 5, w2 1, alpha 0.5
/// (configs/trainer_config/reconboost_config.yaml).
/// </summary>
[Method("reconboost", "ReconBoost (ICML 2024): alternating boosting, each modality's learner fits what the others' ensemble misses; ensemble rectification.",
    MinModalities = 2, Fusions = new[] { "concat", "sum" })]
public sealed class ReconBoostMethod : TrainingMethod
{
    /// <summary>Creates the method.</summary>
    public ReconBoostMethod(MethodSettings settings)
    {
        Alpha = settings.Number("alpha", 0.5, 0, 100, "weight of the reconcilement term");
        BoostWeight = settings.Number("w1", 5, 0, 1e3, "weight w1 of the learner's log-likelihood");
        EnsembleWeight = settings.Number("w2", 1, 0, 1e3, "weight w2 of the others' ensemble confidence");
    }

    /// <summary>alpha.</summary>
    public double Alpha { get; }

    /// <summary>w1.</summary>
    public double BoostWeight { get; }

    /// <summary>w2.</summary>
    public double EnsembleWeight { get; }

    /// <summary>The learner trained at global step <paramref name="step"/>, or -1 for a rectification step.</summary>
    public static int LearnerAt(long step, int modalities) => step % 2 == 0 ? (int)(step / 2 % modalities) : -1;

    /// <summary>The boosting loss of learner logits <paramref name="learner"/> against the others' ensemble <paramref name="others"/>.</summary>
    public static Tensor BoostingLoss(Tensor learner, Tensor others, Tensor labels, double boostWeight, double ensembleWeight)
    {
        using var scope = NewDisposeScope();
        Tensor logLikelihood = nn.functional.log_softmax(learner, 1).gather(1, labels.unsqueeze(1)).squeeze(1);
        Tensor weight = (Held(ensembleWeight) * TrueClass.Probability(others.detach(), labels)).add(Held(-boostWeight), One);
        return (weight * logLikelihood / Held(learner.shape[1])).mean().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        int learner = LearnerAt(step.GlobalStep, batch.Inputs.Count);
        if (learner < 0) return base.ComputeLoss(batch, step);
        var embeddings = new Tensor[batch.Inputs.Count];
        for (int m = 0; m < embeddings.Length; m++)
        {
            if (m == learner) embeddings[m] = Context.Model.Encoder(m).forward(batch.Inputs[m]);
            else using (no_grad()) embeddings[m] = Context.Model.Encoder(m).forward(batch.Inputs[m]);
        }
        Tensor[] z = Context.Model.ModalityLogits(embeddings);
        Tensor others = stack(z.Where((_, k) => k != learner).Select(t => t.detach()).ToArray()).sum(dim: 0);
        Tensor loss = BoostingLoss(z[learner], others, batch.Labels, BoostWeight, EnsembleWeight);
        if (step.Epoch > 0 && Alpha > 0)
        {
            Tensor previous = nn.functional.softmax(z[(learner + z.Length - 1) % z.Length].detach(), 1);
            loss = loss.add(Held(Alpha) * (nn.functional.softmax(z[learner], 1) - previous).pow(Held(2)).mean(), One);
        }
        Tensor ensemble;
        using (no_grad()) ensemble = stack(z).sum(dim: 0);
        return new StepOutput(loss, ensemble);
    }

    /// <summary>The other learners' parameters get zero gradients, so a resumed run steps them as an uninterrupted one.</summary>
    public override bool FillsMissingGradients => true;
}
