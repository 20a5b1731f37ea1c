namespace Equimodal.Attribution;

/// <summary>Which quantity of the model's output is attributed.</summary>
public enum AttributionOutput
{
    /// <summary>The target logit.</summary>
    Logit,

    /// <summary>The target class probability (softmax over the logits).</summary>
    Probability,
}
