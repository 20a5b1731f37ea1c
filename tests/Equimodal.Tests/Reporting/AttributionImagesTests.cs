using Equimodal.Reporting;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Reporting;

public class AttributionImagesTests
{
    [Fact]
    public void The_overlay_keeps_the_picture_where_attribution_is_zero_and_paints_the_peak_white_hot()
    {
        using var scope = NewDisposeScope();
        // A 4x4 picture whose red channel rises left to right, and one attributed pixel at row 1, column 2.
        Tensor rgb = zeros(3, 4, 4);
        rgb[0] = arange(4, ScalarType.Float32).expand(4, 4);
        Tensor heat = zeros(4, 4);
        heat[1, 2] = 5;
        using SKBitmap bitmap = AttributionImages.Overlay(rgb, heat);
        int scale = AttributionImages.MinimumSide / 4;
        Assert.Equal(AttributionImages.MinimumSide, bitmap.Width);
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(3 * scale, 0));
        // Peak: hot(1) is white at opacity 0.65 over a red of 2/3.
        SKColor peak = bitmap.GetPixel(2 * scale + 1, 1 * scale + 1);
        Assert.Equal((byte)Math.Round(255 * (2.0 / 3 * 0.35 + 0.65)), peak.Red);
        Assert.Equal((byte)Math.Round(255 * 0.65), peak.Green);
    }
}
