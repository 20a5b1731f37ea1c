using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Encodes a clip [batch, frames, channels, H, W]: a 2D ResNet on every frame, then the mean over frames
/// (the layout OGM-GE uses for video).
/// </summary>
public sealed class FrameEncoder : ModalityEncoder
{
    private readonly ResNet2d backbone;

    /// <summary>Creates the encoder around <paramref name="backbone"/>.</summary>
    public FrameEncoder(ResNet2d backbone) : base(nameof(FrameEncoder), backbone.OutputFeatures)
    {
        this.backbone = backbone;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 5) throw new ArgumentException($"A clip batch must be [batch, frames, channels, height, width], got [{string.Join(", ", input.shape)}].");
        using var scope = NewDisposeScope();
        long batch = input.shape[0], frames = input.shape[1];
        Tensor perFrame = backbone.forward(input.flatten(0, 1));
        return perFrame.view(batch, frames, -1).mean(new long[] { 1 }).MoveToOuterDisposeScope();
    }
}
