using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>Per-sample statistics of the true class that several balancing methods compare between modalities.</summary>
public static class TrueClass
{
    /// <summary>softmax(<paramref name="logits"/>)[i, y_i] for every sample i: [batch].</summary>
    public static Tensor Probability(Tensor logits, Tensor labels) =>
        nn.functional.softmax(logits, 1).gather(1, labels.unsqueeze(1)).squeeze(1);

    /// <summary>A modality's confidence score over the batch, s = sum_i softmax(z)[i, y_i] (OGM's, OPM's and PMR's score).</summary>
    public static double Score(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // The one place this batch statistic becomes a number (to be reduced over processes in data-parallel training).
        return Probability(logits, labels).sum().item<float>();
    }
}
