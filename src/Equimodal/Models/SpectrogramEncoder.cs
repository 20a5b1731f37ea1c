using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>Encodes a spectrogram [batch, channels, frequency, time] with a 2D ResNet.</summary>
public sealed class SpectrogramEncoder : ModalityEncoder
{
    private readonly ResNet2d backbone;

    /// <summary>Creates the encoder around <paramref name="backbone"/>.</summary>
    public SpectrogramEncoder(ResNet2d backbone) : base(nameof(SpectrogramEncoder), backbone.OutputFeatures)
    {
        this.backbone = backbone;
        RegisterComponents();
    }

    /// <summary>The last ResNet stage's output [batch, channels, frequency', time'].</summary>
    public override Tensor Features(Tensor input)
    {
        if (input.dim() != 4) throw new ArgumentException($"A spectrogram batch must be [batch, channels, frequency, time], got [{string.Join(", ", input.shape)}].");
        return backbone.Features(input);
    }

    /// <summary>Global average pooling of the last stage's output.</summary>
    public override Tensor Pool(Tensor features) => ResNet2d.Pool(features);
}
