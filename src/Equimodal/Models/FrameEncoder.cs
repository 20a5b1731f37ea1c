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

    /// <summary>The last ResNet stage's output of every frame [batch, frames, channels, H', W'].</summary>
    public override Tensor Features(Tensor input)
    {
        if (input.dim() != 5) throw new ArgumentException($"A clip batch must be [batch, frames, channels, height, width], got [{string.Join(", ", input.shape)}].");
        using var scope = NewDisposeScope();
        Tensor perFrame = backbone.Features(input.flatten(0, 1));
        return perFrame.view(new[] { input.shape[0], input.shape[1] }.Concat(perFrame.shape.Skip(1)).ToArray()).MoveToOuterDisposeScope();
    }

    /// <summary>Global average pooling of every frame, then the mean over frames.</summary>
    public override Tensor Pool(Tensor features)
    {
        using var scope = NewDisposeScope();
        long batch = features.shape[0], frames = features.shape[1];
        Tensor perFrame = ResNet2d.Pool(features.flatten(0, 1));
        return perFrame.view(batch, frames, -1).mean(new long[] { 1 }).MoveToOuterDisposeScope();
    }
}
