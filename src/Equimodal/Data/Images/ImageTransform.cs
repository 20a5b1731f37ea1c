using SkiaSharp;

namespace Equimodal.Data.Images;

/// <summary>
/// The torchvision-style image pipeline on SkiaSharp bitmaps: random resized crop (area scale
/// [MinCropScale, 1], aspect ratio [3/4, 4/3]) and horizontal flip for training, plain resize for evaluation,
/// then normalization (ImageNet statistics unless others are given). Output is channel-major [C, H, W].
/// </summary>
public sealed class ImageTransform
{
    /// <summary>ImageNet channel means (RGB).</summary>
    public static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };

    /// <summary>ImageNet channel standard deviations (RGB).</summary>
    public static readonly float[] Std = { 0.229f, 0.224f, 0.225f };

    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.None);

    private readonly ImageSettings _settings;
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>
    /// Creates the transform; settings are validated. Each channel c becomes (value in [0, 1] - mean[c]) / std[c], one
    /// statistic per output channel; default: the ImageNet ones (<see cref="DefaultMean"/>, <see cref="DefaultStd"/>).
    /// </summary>
    public ImageTransform(ImageSettings settings, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null)
    {
        settings.Validate();
        _settings = settings;
        _mean = (mean ?? DefaultMean(settings.Channels)).ToArray();
        _std = (std ?? DefaultStd(settings.Channels)).ToArray();
        if (_mean.Length != settings.Channels || _std.Length != settings.Channels)
            throw new ArgumentException($"Pixel statistics need one mean and one std per channel ({settings.Channels}), got {_mean.Length} and {_std.Length}.");
        if (_std.Any(v => !(v > 0))) throw new ArgumentException("Pixel standard deviations must be positive.");
    }

    /// <summary>The ImageNet means for <paramref name="channels"/> channels (grey: their average).</summary>
    public static float[] DefaultMean(int channels) => channels == 3 ? Mean : new[] { Mean.Average() };

    /// <summary>The ImageNet standard deviations for <paramref name="channels"/> channels (grey: their average).</summary>
    public static float[] DefaultStd(int channels) => channels == 3 ? Std : new[] { Std.Average() };

    /// <summary>The per-channel means this transform subtracts.</summary>
    public IReadOnlyList<float> PixelMean => _mean;

    /// <summary>The per-channel standard deviations this transform divides by.</summary>
    public IReadOnlyList<float> PixelStd => _std;

    /// <summary>Values per image: channels x size x size.</summary>
    public int Length => _settings.Channels * _settings.Size * _settings.Size;

    /// <summary>Transforms <paramref name="image"/>; <paramref name="random"/> drives the training augmentation and is ignored in evaluation.</summary>
    public float[] Apply(SKBitmap image, bool training, Random random)
    {
        SKRectI region = training ? RandomCrop(image.Width, image.Height, random) : new SKRectI(0, 0, image.Width, image.Height);
        bool flip = training && random.NextDouble() < 0.5;
        using var cropped = new SKBitmap();
        if (!image.ExtractSubset(cropped, region)) throw new InvalidOperationException($"Crop {region} is outside the {image.Width}x{image.Height} image.");
        using var resized = new SKBitmap(new SKImageInfo(_settings.Size, _settings.Size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!cropped.ScalePixels(resized, Sampling)) throw new InvalidOperationException("SkiaSharp could not resize the image.");
        return Normalize(resized.GetPixelSpan(), flip);
    }

    /// <summary>torchvision's RandomResizedCrop region: 10 tries at a random area and ratio, else the central largest crop.</summary>
    private SKRectI RandomCrop(int width, int height, Random random)
    {
        double area = (double)width * height;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (_settings.MinCropScale + random.NextDouble() * (1 - _settings.MinCropScale));
            double ratio = Math.Exp(Math.Log(3.0 / 4) + random.NextDouble() * (Math.Log(4.0 / 3) - Math.Log(3.0 / 4)));
            int w = (int)Math.Round(Math.Sqrt(target * ratio));
            int h = (int)Math.Round(Math.Sqrt(target / ratio));
            if (w < 1 || h < 1 || w > width || h > height) continue;
            int left = random.Next(width - w + 1), top = random.Next(height - h + 1);
            return new SKRectI(left, top, left + w, top + h);
        }
        int side = Math.Min(width, height);
        return SKRectI.Create((width - side) / 2, (height - side) / 2, side, side);
    }

    private float[] Normalize(ReadOnlySpan<byte> rgba, bool flip)
    {
        int size = _settings.Size, plane = size * size;
        var output = new float[Length];
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            int source = (y * size + (flip ? size - 1 - x : x)) * 4;
            int target = y * size + x;
            if (_settings.Channels == 3)
            {
                for (int c = 0; c < 3; c++) output[c * plane + target] = (rgba[source + c] / 255f - _mean[c]) / _std[c];
            }
            else
            {
                // Grey: ITU-R BT.601 luma.
                float grey = (0.299f * rgba[source] + 0.587f * rgba[source + 1] + 0.114f * rgba[source + 2]) / 255f;
                output[target] = (grey - _mean[0]) / _std[0];
            }
        }
        return output;
    }
}
