namespace Equimodal.Attribution;

/// <summary>Where attributions are taken.</summary>
public enum AttributionLayer
{
    /// <summary>At the raw inputs: one attribution per input element.</summary>
    Input,

    /// <summary>At the fusion input (each modality's encoder output): only the fusion head is re-run per step.</summary>
    Embedding,

    /// <summary>
    /// At each encoder's last block output, before pooling (e.g. a ResNet's last stage, [batch, channels, H, W]):
    /// pooling, embedding normalisation and the fusion head are re-run per step, so a loss on these attributions reaches
    /// the encoder's features and not only its output scale.
    /// </summary>
    LastBlock,
}
