using SkiaSharp;

namespace Equimodal.Data.Images;

/// <summary>Image settings that follow the files: a folder of 28 x 28 grey digits is read as 1 x 1 x 28 x 28, not 3 x 3 x 112 x 112.</summary>
public static class ImageShapeDetector
{
    /// <summary>
    /// <paramref name="given"/> with the settings named by <paramref name="detect"/> taken from <paramref name="firstSample"/>
    /// (an image or a frame folder), and a line saying what was chosen; <paramref name="given"/> unchanged when the file cannot be read.
    /// </summary>
    public static (ImageSettings Settings, string? Notice) Resolve(string modality, ImageSettings given, ImageDetection detect, string firstSample)
    {
        if (detect == ImageDetection.None) return (given, null);
        string[] frames;
        int width, height;
        bool grey;
        try
        {
            frames = FrameFolder.List(firstSample);
            using SKBitmap image = ImageReader.Read(frames[0]);
            (width, height, grey) = (image.Width, image.Height, IsGrey(image));
        }
        catch (DataFileException)
        {
            return (given, null); // The sample is reported as bad where it is read; the given settings stand.
        }
        var defaults = new ImageSettings();
        ImageSettings chosen = given with
        {
            Size = detect.HasFlag(ImageDetection.Size) ? Math.Clamp(Math.Max(width, height), 8, defaults.Size) : given.Size,
            Channels = detect.HasFlag(ImageDetection.Channels) ? (grey ? 1 : 3) : given.Channels,
            Frames = detect.HasFlag(ImageDetection.Frames) ? Math.Min(frames.Length, defaults.Frames) : given.Frames,
        };
        string notice = $"{modality}: read as {chosen.Frames} frame(s) of {chosen.Channels} x {chosen.Size} x {chosen.Size} "
            + $"(first sample {Path.GetFileName(firstSample)}: {width} x {height}, {(grey ? "grey" : "colour")}, {frames.Length} frame(s)); "
            + "--image-size and --frames set them yourself.";
        return (chosen, notice);
    }

    private static bool IsGrey(SKBitmap image)
    {
        foreach (SKColor pixel in image.Pixels)
            if (pixel.Red != pixel.Green || pixel.Green != pixel.Blue) return false;
        return true;
    }
}
