using Equimodal.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Equimodal.Reporting;

/// <summary>
/// One picture per explained sample that a person reads at a glance: a title with label, prediction and confidence, every
/// modality's input with its attribution overlaid (the spectrogram, then each frame), a bar of the modality shares and
/// the colour scale of the overlay.
/// </summary>
public static class SampleFigure
{
    private const int Margin = 16, TitleHeight = 34, PanelHeight = 160, BarHeight = 26, ScaleHeight = 40;

    private static readonly SKColor[] ShareColors = { new(70, 130, 180), new(230, 120, 40), new(60, 160, 90), new(150, 100, 190) };

    /// <summary>Writes the figure to <paramref name="path"/> and returns it.</summary>
    /// <param name="path">PNG file.</param>
    /// <param name="title">Title line, e.g. "sample 3: label ANG, predicted HAP (72 %)".</param>
    /// <param name="modalities">The modalities, in input order.</param>
    /// <param name="inputs">The sample's input per modality (no batch dimension).</param>
    /// <param name="attributions">Its attribution per modality, same shapes.</param>
    /// <param name="shares">Each modality's attribution share (summing to 1).</param>
    public static string Write(string path, string title, IReadOnlyList<ModalitySpec> modalities, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> attributions, IReadOnlyList<double> shares)
    {
        using var scope = NewDisposeScope();
        var panels = new List<(string Label, SKBitmap Picture)>();
        for (int m = 0; m < modalities.Count; m++)
        {
            if (modalities[m].Kind == ModalityKind.Spectrogram)
                panels.Add((modalities[m].Name, AttributionImages.Overlay(inputs[m].mean(new long[] { 0 }).flip(0).unsqueeze(0).expand(3, -1, -1), attributions[m].abs().sum(dim: 0).flip(0))));
            else if (modalities[m].Kind == ModalityKind.Video)
            {
                for (long frame = 0; frame < inputs[m].shape[0]; frame++)
                {
                    Tensor pixels = inputs[m][frame].shape[0] == 3 ? inputs[m][frame] : inputs[m][frame].mean(new long[] { 0 }).unsqueeze(0).expand(3, -1, -1);
                    panels.Add(($"{modalities[m].Name} frame {frame + 1}", AttributionImages.Overlay(pixels, attributions[m][frame].abs().sum(dim: 0))));
                }
            }
        }
        int[] widths = panels.Select(p => (int)Math.Round((double)p.Picture.Width * PanelHeight / p.Picture.Height)).ToArray();
        int width = Math.Max(480, widths.Sum() + Margin * (panels.Count + 1));
        int height = TitleHeight + PanelHeight + 20 + BarHeight + ScaleHeight + 3 * Margin;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 16);
        using var small = new SKFont(SKTypeface.Default, 12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, Margin, Margin + 16, font, ink);

        int x = Margin, top = TitleHeight + Margin;
        for (int p = 0; p < panels.Count; p++)
        {
            using SKBitmap picture = panels[p].Picture;
            using SKImage panel = SKImage.FromBitmap(picture);
            canvas.DrawImage(panel, new SKRect(x, top, x + widths[p], top + PanelHeight), new SKSamplingOptions(SKFilterMode.Nearest));
            canvas.DrawText(panels[p].Label, x, top + PanelHeight + 14, small, ink);
            x += widths[p] + Margin;
        }

        // Share bar: one coloured segment per modality, labelled with its percentage.
        int barTop = top + PanelHeight + 20 + Margin, barWidth = width - 2 * Margin;
        float left = Margin;
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
        for (int m = 0; m < modalities.Count; m++)
        {
            float segment = (float)(Math.Clamp(shares[m], 0, 1) * barWidth);
            using var fill = new SKPaint { Color = ShareColors[m % ShareColors.Length] };
            canvas.DrawRect(left, barTop, segment, BarHeight, fill);
            if (segment > 60) canvas.DrawText($"{modalities[m].Name} {100 * shares[m]:F0} %", left + 6, barTop + 18, small, white);
            left += segment;
        }

        // Colour scale of the overlay: relative attribution magnitude, 0 (no colour) to 1 (white-hot).
        int scaleTop = barTop + BarHeight + Margin, scaleWidth = Math.Min(300, barWidth);
        for (int i = 0; i < scaleWidth; i++)
        {
            float t = (float)i / (scaleWidth - 1);
            using var paint = new SKPaint { Color = new SKColor(Unit(3 * t), Unit(3 * t - 1), Unit(3 * t - 2)) };
            canvas.DrawRect(Margin + i, scaleTop, 1, 12, paint);
        }
        canvas.DrawText("0", Margin, scaleTop + 26, small, ink);
        canvas.DrawText("relative attribution (overlay)", Margin + scaleWidth / 2f - 80, scaleTop + 26, small, ink);
        canvas.DrawText("max", Margin + scaleWidth - 22, scaleTop + 26, small, ink);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    private static byte Unit(float value) => (byte)Math.Clamp((int)MathF.Round(255 * value), 0, 255);
}
