using Equimodal.Data.Images;
using SkiaSharp;

namespace Equimodal.Data.Datasets;

/// <summary>Reads a clip's frame folder (or one image) as T frames [T, C, H, W]; one random crop and flip per clip in training.</summary>
public sealed class FrameClipReader : IModalityReader
{
    private readonly ImageSettings _settings;
    private readonly ImageTransform _transform;

    /// <summary>Creates the reader of modality <paramref name="name"/>; pixel statistics as in <see cref="ImageTransform"/> (default ImageNet).</summary>
    public FrameClipReader(string name, ImageSettings settings, IReadOnlyList<float>? pixelMean = null, IReadOnlyList<float>? pixelStd = null)
    {
        _transform = new ImageTransform(settings, pixelMean, pixelStd);
        _settings = settings;
        Spec = new ModalitySpec(name, ModalityKind.Video, new long[] { settings.Frames, settings.Channels, settings.Size, settings.Size });
    }

    /// <inheritdoc />
    public ModalitySpec Spec { get; }

    /// <inheritdoc />
    public InputPreprocessing Preprocessing => new()
    {
        Modality = Spec.Name, Reader = "frames", Shape = Spec.Shape, Image = _settings,
        PixelMean = _transform.PixelMean.ToArray(), PixelStd = _transform.PixelStd.ToArray(),
    };

    /// <inheritdoc />
    public float[] Read(string path, bool training, Random random)
    {
        string[] frames = FrameFolder.Pick(FrameFolder.List(path), _settings.Frames);
        var output = new float[_settings.Frames * _transform.Length];
        // The same crop and flip for every frame of a clip, as the OGM-GE code does: one seed per clip.
        int clipSeed = random.Next();
        for (int t = 0; t < frames.Length; t++)
        {
            using SKBitmap image = ImageReader.Read(frames[t]);
            _transform.Apply(image, training, new Random(clipSeed)).CopyTo(output, t * _transform.Length);
        }
        return output;
    }
}
