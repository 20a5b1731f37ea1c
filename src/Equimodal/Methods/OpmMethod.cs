using TorchSharp;
using Equimodal.Data;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// OPM, on-the-fly prediction modulation ("On-the-fly Modulation for Balanced Multimodal Learning", Wei, Hu et al.,
/// TPAMI 2024). Each step every modality's score s_m = sum_i softmax(z_m)[i, y_i] is compared with the others',
/// rho_m = s_m / mean_{k != m} s_k (s_m / s_other for two modalities, as published; BalanceMM divides by the sum for
/// more, which makes every rho small), r_m = tanh(relu(rho_m - 1)), and a dominant modality (r_m &gt; 0) is dropped per
/// sample with probability q_m = clip(q_base (1 + alpha r_m), 0, 1). With probability p_exe a batch is modulated: its
/// kept embeddings are scaled by 1 / (1 - theta), theta = sum_m d_m q_m / sum_m d_m (d_m the embedding widths), samples
/// with every modality dropped leave the loss, and the fused cross-entropy is taken on the rest. Nothing is dropped at
/// test time. Defaults q_base 0.4, alpha 0.5, p_exe 0.7 (BalanceMM configs/trainer_config/opm_config.yaml).
/// </summary>
[Method("opm", "OPM (TPAMI 2024): drops the dominant modality's features per sample with a probability growing with its score ratio.", MinModalities = 2)]
public sealed class OpmMethod : TrainingMethod
{
    /// <summary>Creates the method.</summary>
    public OpmMethod(MethodSettings settings)
    {
        BaseProbability = settings.Number("q-base", 0.4, 0, 1, "drop probability of a dominant modality before scaling");
        Alpha = settings.Number("alpha", 0.5, 0, 100, "growth of the drop probability with the score ratio");
        ExecutionProbability = settings.Number("p-exe", 0.7, 0, 1, "probability that a batch is modulated");
    }

    /// <summary>q_base.</summary>
    public double BaseProbability { get; }

    /// <summary>alpha.</summary>
    public double Alpha { get; }

    /// <summary>p_exe.</summary>
    public double ExecutionProbability { get; }

    /// <summary>Each modality's drop probability q_m from its score s_m: 0 unless it dominates the mean of the others.</summary>
    public static double[] DropProbabilities(IReadOnlyList<double> scores, double baseProbability, double alpha) =>
        OgmGeMethod.Ratios(scores).Select(rho =>
        {
            double r = Math.Tanh(Math.Max(0, rho - 1));
            return r > 0 ? Math.Clamp(baseProbability * (1 + alpha * r), 0, 1) : 0;
        }).ToArray();

    /// <summary>theta = sum_m d_m q_m / sum_m d_m, the expected dropped fraction of the fused features.</summary>
    public static double DroppedFraction(IReadOnlyList<double> probabilities, IReadOnlyList<long> widths) =>
        probabilities.Select((q, m) => q * widths[m]).Sum() / widths.Sum();

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Tensor[] embeddings = Context.Model.Encode(batch.Inputs);
        double[] scores = Context.Model.ModalityLogits(embeddings).Select(z => TrueClass.Score(z, batch.Labels)).ToArray();
        double[] drop = DropProbabilities(scores, BaseProbability, Alpha);
        // Both draws always happen, so the generator advances the same way whatever was decided.
        bool execute = rand(1).item<float>() < ExecutionProbability;
        long samples = batch.Labels.shape[0];
        Tensor keep = rand(new[] { samples, (long)embeddings.Length }).ge(tensor(drop).to(float32).unsqueeze(0)).to(float32);
        if (!execute || drop.All(q => q == 0))
        {
            Tensor plain = Context.Model.Fuse(embeddings);
            return new StepOutput(nn.functional.cross_entropy(plain, batch.Labels), plain);
        }
        double theta = DroppedFraction(drop, embeddings.Select(e => e.shape[1]).ToArray());
        using Scalar keptFraction = (1 - theta).ToScalar();
        Tensor[] kept = embeddings.Select((e, m) => e * keep[.., m].unsqueeze(1) / keptFraction).ToArray();
        Tensor logits = Context.Model.Fuse(kept);
        Tensor present = keep.sum(dim: 1).gt(Held(0)).to(float32);
        Tensor perSample = nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.None);
        Tensor loss = (perSample * present).sum() / present.sum().clamp_min(Held(1));
        return new StepOutput(loss, logits);
    }
}
