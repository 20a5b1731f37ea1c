using Equimodal.Data;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// CML, "Calibrating Multimodal Learning" (Ma, Zhang, Wu, Fu and Hu, ICML 2023): the prediction's confidence must not
/// rise when a modality is removed. Each step the modalities are removed one at a time in a random order (torch's
/// generator, so a resumed run draws the same orders), the fused output is recomputed without them (a removed modality's
/// embedding is zeroed, which for concat fusion is BalanceMM's z - W_m h_m with the bias kept), and the loss is
/// [CE(z) + sum_k CE(z_k)] / M + lambda * mean_i sum_k max(0, conf_k,i - conf_k-1,i), conf = max softmax.
/// The hinge is per sample, as the paper's regulariser is stated per input; BalanceMM (trainer/CML_trainer.py) sums the
/// confidence differences over the batch before the hinge, which lets one sample's drop excuse another's rise.
/// lambda 0.1 as in BalanceMM's configs/trainer_config/cml_config.yaml.
/// </summary>
[Method("cml", "CML (ICML 2023): penalises any rise of a sample's confidence when modalities are removed one at a time.", MinModalities = 2)]
public sealed class CmlMethod : TrainingMethod
{
    /// <summary>Creates the method; option lambda (default 0.1) weighs the calibration penalty.</summary>
    public CmlMethod(MethodSettings settings) =>
        Lambda = settings.Number("lambda", 0.1, 0, 1e6, "weight of the hinge on confidence rises");

    /// <summary>Weight of the calibration penalty.</summary>
    public double Lambda { get; }

    /// <summary>
    /// mean_i sum_k max(0, c_k,i - c_k-1,i) over a chain of confidences [batch] with ever fewer modalities
    /// (<paramref name="confidences"/>[0] with all of them).
    /// </summary>
    public static Tensor CalibrationPenalty(IReadOnlyList<Tensor> confidences)
    {
        using var scope = NewDisposeScope();
        Tensor total = zeros_like(confidences[0]);
        for (int k = 1; k < confidences.Count; k++) total = total.add(nn.functional.relu(confidences[k] - confidences[k - 1]), One);
        return total.mean().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Tensor[] embeddings = Context.Model.Encode(batch.Inputs);
        Tensor logits = Context.Model.Fuse(embeddings);
        int modalities = embeddings.Length;
        long[] order = randperm(modalities).data<long>().ToArray();
        Tensor crossEntropy = nn.functional.cross_entropy(logits, batch.Labels);
        var confidences = new List<Tensor> { nn.functional.softmax(logits, 1).amax(new long[] { 1 }) };
        Tensor[] remaining = embeddings.ToArray();
        for (int k = 0; k < modalities - 1; k++)
        {
            remaining[order[k]] = zeros_like(remaining[order[k]]);
            Tensor reduced = Context.Model.Fuse(remaining);
            crossEntropy = crossEntropy.add(nn.functional.cross_entropy(reduced, batch.Labels), One);
            confidences.Add(nn.functional.softmax(reduced, 1).amax(new long[] { 1 }));
        }
        Tensor loss = (crossEntropy / Held(modalities)).add(Held(Lambda) * CalibrationPenalty(confidences), One);
        return new StepOutput(loss, logits);
    }
}
