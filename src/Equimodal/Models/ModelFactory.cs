using Equimodal.Data;

namespace Equimodal.Models;

/// <summary>Builds a <see cref="MultimodalClassifier"/> for a set of modalities: one encoder per modality kind, then the chosen fusion.</summary>
public static class ModelFactory
{
    /// <summary>Creates the model (weights initialised from torch's current random state).</summary>
    public static MultimodalClassifier Create(IReadOnlyList<ModalitySpec> modalities, int classes, ModelOptions options)
    {
        options.Validate();
        var encoders = modalities.Select(m => (m.Name, CreateEncoder(m, options))).ToArray();
        FusionHead fusion = FusionFactory.Create(options.Fusion, encoders.Select(e => e.Item2.EmbeddingSize).ToArray(), classes, options.FusionHidden);
        return new MultimodalClassifier(encoders, fusion, options.EmbeddingNorm);
    }

    /// <summary>Creates the encoder for one modality.</summary>
    public static ModalityEncoder CreateEncoder(ModalitySpec modality, ModelOptions options) => modality.Kind switch
    {
        ModalityKind.Spectrogram => new SpectrogramEncoder(CreateResNet(modality.Shape[0], options)),
        ModalityKind.Video => new FrameEncoder(CreateResNet(modality.Shape[1], options)),
        ModalityKind.Vector => new MlpEncoder(modality.Shape[0], new long[] { options.MlpHidden, options.MlpHidden }),
        _ => throw new ArgumentException($"No encoder for modality kind {modality.Kind}."),
    };

    private static ResNet2d CreateResNet(long inputChannels, ModelOptions options) => options.Encoder == "resnet18"
        ? new ResNet2d(inputChannels, 64, new[] { 2, 2, 2, 2 }, imageNetStem: true)
        : new ResNet2d(inputChannels, options.Width, Enumerable.Repeat(options.BlocksPerStage, options.Depth).ToArray(), imageNetStem: false);
}
