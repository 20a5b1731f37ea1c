using Equimodal.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Equimodal.Reporting;

/// <summary>
/// Renders attributions as PNG pictures a person can read: the input (spectrogram in gray, video frames in colour) with
/// the attribution magnitude blended over it in a "hot" colormap (black-red-yellow-white), scaled up so small inputs stay visible.
/// </summary>
public static class AttributionImages
{
    /// <summary>Pictures are enlarged (nearest neighbour) until their shorter side reaches at least this many pixels.</summary>
    public const int MinimumSide = 128;

    /// <summary>Opacity of the heat map where the attribution is largest.</summary>
    private const float MaximumOpacity = 0.65f;

    /// <summary>
    /// Writes the pictures of one sample's modality into <paramref name="folder"/> and returns their paths:
    /// one for a spectrogram ([channels, frequency, time], low frequencies at the bottom), one per frame for a video
    /// ([frames, channels, height, width]), none for a feature vector.
    /// </summary>
    /// <param name="modality">The modality.</param>
    /// <param name="input">The sample's input (no batch dimension).</param>
    /// <param name="attribution">Its attribution, same shape.</param>
    /// <param name="folder">Output folder (created if needed).</param>
    /// <param name="prefix">File name prefix, e.g. "sample3".</param>
    public static IReadOnlyList<string> Write(ModalitySpec modality, Tensor input, Tensor attribution, string folder, string prefix)
    {
        if (!input.shape.SequenceEqual(attribution.shape))
            throw new ArgumentException($"Input [{string.Join(", ", input.shape)}] and attribution [{string.Join(", ", attribution.shape)}] differ in shape.");
        Directory.CreateDirectory(folder);
        using var scope = NewDisposeScope();
        var paths = new List<string>();
        switch (modality.Kind)
        {
            case ModalityKind.Spectrogram:
                // Row 0 is the lowest frequency bin; images draw row 0 at the top, hence the flip.
                Tensor gray = input.mean(new long[] { 0 }).flip(0);
                Tensor heat = attribution.abs().sum(dim: 0).flip(0);
                paths.Add(Save(Overlay(gray.unsqueeze(0).expand(3, -1, -1), heat), Path.Combine(folder, $"{prefix}-{modality.Name}.png")));
                break;
            case ModalityKind.Video:
                for (long frame = 0; frame < input.shape[0]; frame++)
                {
                    Tensor pixels = input[frame].shape[0] == 3 ? input[frame] : input[frame].mean(new long[] { 0 }).unsqueeze(0).expand(3, -1, -1);
                    paths.Add(Save(Overlay(pixels, attribution[frame].abs().sum(dim: 0)), Path.Combine(folder, $"{prefix}-{modality.Name}-frame{frame}.png")));
                }
                break;
        }
        return paths;
    }

    /// <summary>Blends <paramref name="heat"/> [height, width] over the picture <paramref name="rgb"/> [3, height, width]; both are min-max normalised.</summary>
    public static SKBitmap Overlay(Tensor rgb, Tensor heat)
    {
        int height = (int)heat.shape[0], width = (int)heat.shape[1];
        float[] picture = Normalize(rgb);
        float[] weight = Normalize(heat);
        int scale = Math.Max(1, (int)Math.Ceiling((double)MinimumSide / Math.Min(height, width)));
        var bitmap = new SKBitmap(width * scale, height * scale, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var colors = new SKColor[bitmap.Width * bitmap.Height];
        int plane = height * width;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                int source = y / scale * width + x / scale;
                float t = weight[source], opacity = MaximumOpacity * t;
                var (hr, hg, hb) = Hot(t);
                colors[y * bitmap.Width + x] = new SKColor(
                    Byte(picture[source] * (1 - opacity) + hr * opacity),
                    Byte(picture[plane + source] * (1 - opacity) + hg * opacity),
                    Byte(picture[2 * plane + source] * (1 - opacity) + hb * opacity));
            }
        }
        bitmap.Pixels = colors;
        return bitmap;
    }

    /// <summary>The "hot" colormap at t in [0, 1].</summary>
    private static (float R, float G, float B) Hot(float t) =>
        (Math.Clamp(3 * t, 0, 1), Math.Clamp(3 * t - 1, 0, 1), Math.Clamp(3 * t - 2, 0, 1));

    private static float[] Normalize(Tensor values)
    {
        float[] data = values.to_type(ScalarType.Float32).contiguous().cpu().data<float>().ToArray();
        float min = data.Min(), range = data.Max() - min;
        return data.Select(v => range > 0 ? (v - min) / range : 0f).ToArray();
    }

    private static byte Byte(float unit) => (byte)Math.Clamp((int)MathF.Round(unit * 255), 0, 255);

    private static string Save(SKBitmap bitmap, string path)
    {
        using (bitmap)
        using (SKImage image = SKImage.FromBitmap(bitmap))
        using (SKData png = image.Encode(SKEncodedImageFormat.Png, 100))
        {
            File.WriteAllBytes(path, png.ToArray());
        }
        return path;
    }
}
