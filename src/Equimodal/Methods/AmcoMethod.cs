using Equimodal.Data;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// AMCo, adaptive mask co-optimisation ("Adaptive Mask Co-Optimization for Modal Dependence in Multimodal Learning",
/// Zhou et al., ICASSP 2023). A modality is dependent-upon when its share of the softmax mass over all modalities' logits
/// [z_1 .. z_M] (batch mean) exceeds sigma; then, per sample, floor(pt * C) randomly chosen class logits of that modality
/// are masked out of the fused sum z = sum_m mask_m z_m, with pt = sin(pi/2 * min(eps, l) / eps) growing with training
/// progress l in [0, 1) (epoch + step / steps) / epochs. Loss: fused CE plus every modality's own CE, in one step.
/// Differences from BalanceMM (trainer/AMCo_trainer.py): its mask is expanded to 2 rows (it broadcasts only for batches
/// split over 2 GPUs) and its l restarts every epoch and grows by epoch / 10 per batch, so pt is 1 within a few batches;
/// here the mask is drawn per sample and pt follows training progress. Its extra Linear(C, C) after the masked sum is
/// left out, so test-time predictions are the head's own fused logits. Defaults sigma 0.5, eps 0.3
/// (configs/trainer_config/amco_config.yaml). Needs a head whose fused logits are the sum of the modalities' (concat, sum).
/// </summary>
[Method("amco", "AMCo (ICASSP 2023): masks a growing share of the dependent modality's class logits; fused + unimodal losses.",
    MinModalities = 2, Fusions = new[] { "concat", "sum" })]
public sealed class AmcoMethod : TrainingMethod
{
    /// <summary>Creates the method.</summary>
    public AmcoMethod(MethodSettings settings)
    {
        Sigma = settings.Number("sigma", 0.5, 0, 1, "softmax-mass share above which a modality is masked");
        Epsilon = settings.Number("eps", 0.3, 1e-6, 1, "training progress at which the mask ratio reaches 1");
    }

    /// <summary>sigma.</summary>
    public double Sigma { get; }

    /// <summary>eps.</summary>
    public double Epsilon { get; }

    /// <summary>Mask ratio pt = sin(pi/2 * min(eps, progress) / eps).</summary>
    public static double MaskRatio(double progress, double epsilon) => Math.Sin(Math.PI / 2 * Math.Min(epsilon, progress) / epsilon);

    /// <summary>Each modality's share of the softmax mass over the concatenated logits, batch mean.</summary>
    public static double[] Shares(IReadOnlyList<Tensor> modalityLogits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor probabilities = nn.functional.softmax(cat(modalityLogits.ToArray(), 1), 1);
        long classes = modalityLogits[0].shape[1];
        return modalityLogits.Select((_, m) => (double)probabilities.narrow(1, m * classes, classes).sum(dim: 1).mean().item<float>()).ToArray();
    }

    /// <summary>A [samples, classes] 0/1 mask with <paramref name="masked"/> random zeros per row (torch's generator).</summary>
    public static Tensor ClassMask(long samples, long classes, long masked)
    {
        using var scope = NewDisposeScope();
        Tensor rank = rand(samples, classes).argsort(1).argsort(1);
        return rank.ge(Held(masked)).to(float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Tensor[] embeddings = Context.Model.Encode(batch.Inputs);
        Tensor[] z = Context.Model.ModalityLogits(embeddings);
        double[] shares = Shares(z);
        double progress = (step.Epoch + (double)step.Step / step.StepsPerEpoch) / Context.Options.Epochs;
        long classes = z[0].shape[1], samples = z[0].shape[0];
        long masked = (long)Math.Floor(MaskRatio(progress, Epsilon) * classes);
        Tensor fused = zeros_like(z[0]);
        Tensor unimodal = zeros(1);
        for (int m = 0; m < z.Length; m++)
        {
            Tensor part = shares[m] > Sigma ? z[m] * ClassMask(samples, classes, masked) : z[m];
            fused = fused.add(part, One);
            unimodal = unimodal.add(nn.functional.cross_entropy(z[m], batch.Labels), One);
        }
        return new StepOutput(nn.functional.cross_entropy(fused, batch.Labels).add(unimodal.squeeze(), One), fused);
    }
}
