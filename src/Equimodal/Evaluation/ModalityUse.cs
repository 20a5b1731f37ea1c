using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Evaluation;

/// <summary>
/// How much a model uses each modality, and through what: the size of its embedding and of its fusion weights next to
/// its attribution share, what the fused prediction loses without it, and what its own logits can do. A share that is
/// met by rescaling shows as diverging norms with an unchanged ablation effect and own-logit accuracy.
/// </summary>
public static class ModalityUse
{
    /// <summary>Prefix of the epoch metrics the trainer logs with <see cref="Training.TrainingOptions.ModalityUse"/> on.</summary>
    public const string MetricPrefix = "modality-use.";

    /// <summary>Mean L2 norm of the modality's embedding (the fusion input).</summary>
    public const string EmbeddingNorm = "embedding-norm";

    /// <summary>Frobenius norm of the classifier columns that read the modality (concatenation fusion only).</summary>
    public const string FusionWeightNorm = "fusion-weight-norm";

    /// <summary>Mean share of the L2-pooled Gradient x Input of the top logit at the fusion input (what attr-reg balances by default).</summary>
    public const string AttributionShare = "gxi-share";

    /// <summary>Fused accuracy lost when the modality's embedding is replaced by zeros (the Shapley diagnostic's absence).</summary>
    public const string AblationAccuracyDrop = "ablation-accuracy-drop";

    /// <summary>Fused cross-entropy gained when the modality's embedding is replaced by zeros.</summary>
    public const string AblationLossIncrease = "ablation-loss-increase";

    /// <summary>Accuracy of the modality's own logits.</summary>
    public const string OwnAccuracy = "own-accuracy";

    /// <summary>
    /// Measures every quantity on <paramref name="dataset"/> (bound to the model) in one <see cref="EvaluationSweep"/>; keys
    /// are "{quantity}.{modality}", accuracies are fractions.
    /// </summary>
    public static Dictionary<string, double> Measure(MultimodalClassifier model, IMultimodalDataset dataset, int batchSize, Device device)
    {
        IReadOnlyList<string> names = model.ModalityNames;
        int modalities = names.Count;
        var sums = new Dictionary<string, double[]>
        {
            [EmbeddingNorm] = new double[modalities],
            [AttributionShare] = new double[modalities],
            [AblationAccuracyDrop] = new double[modalities],
            [AblationLossIncrease] = new double[modalities],
            [OwnAccuracy] = new double[modalities],
        };
        ModalityShareMeasure shareMeasure = ModalityShareMeasure.Reported(model);
        long samples = 0;
        EvaluationSweep.Run(model, dataset, batchSize, device, batch =>
        {
            ModelOutput output = model.Forward(batch.Inputs);
            Tensor labels = batch.Labels;
            double correct = output.Logits.argmax(1).eq(labels).sum().item<long>();
            double loss = nn.functional.cross_entropy(output.Logits, labels, reduction: nn.Reduction.Sum).item<float>();
            Tensor shares;
            using (enable_grad())
            {
                shares = shareMeasure.Shares(output.Embeddings, AttributionTarget.MaxLogit).detach().sum(dim: 0).to_type(ScalarType.Float64).cpu();
            }
            for (int m = 0; m < modalities; m++)
            {
                Tensor[] ablated = output.Embeddings.Select((e, j) => j == m ? zeros_like(e) : e).ToArray();
                Tensor logits = model.Fuse(ablated);
                sums[EmbeddingNorm][m] += output.Embeddings[m].norm(1).sum().item<float>();
                sums[AttributionShare][m] += shares[m].item<double>();
                sums[AblationAccuracyDrop][m] += correct - logits.argmax(1).eq(labels).sum().item<long>();
                sums[AblationLossIncrease][m] += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>() - loss;
                sums[OwnAccuracy][m] += output.ModalityLogits[m].argmax(1).eq(labels).sum().item<long>();
            }
            samples += batch.Size;
        });
        var metrics = new Dictionary<string, double>();
        foreach (var (quantity, values) in sums)
        {
            for (int m = 0; m < modalities; m++) metrics[$"{quantity}.{names[m]}"] = samples == 0 ? double.NaN : values[m] / samples;
        }
        if (model.Fusion is ConcatFusion concat)
        {
            long offset = 0;
            for (int m = 0; m < modalities; m++)
            {
                long width = concat.EmbeddingSizes[m];
                metrics[$"{FusionWeightNorm}.{names[m]}"] = concat.Classifier.weight!.detach().narrow(1, offset, width).norm().item<float>();
                offset += width;
            }
        }
        return metrics;
    }
}
