namespace Equimodal.Attribution;

/// <summary>Where attributions are taken.</summary>
public enum AttributionLayer
{
    /// <summary>At the raw inputs: one attribution per input element.</summary>
    Input,

    /// <summary>At the fusion input (each modality's encoder output): only the fusion head is re-run per step.</summary>
    Embedding,
}

/// <summary>Which quantity of the model's output is attributed.</summary>
public enum AttributionOutput
{
    /// <summary>The target logit.</summary>
    Logit,

    /// <summary>The target class probability (softmax over the logits).</summary>
    Probability,
}
