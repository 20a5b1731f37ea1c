using SkiaSharp;

namespace Equimodal.Data.Images;

/// <summary>Decodes JPEG and PNG files (and any format SkiaSharp reads) into RGBA bitmaps.</summary>
public static class ImageReader
{
    /// <summary>File extensions treated as images when listing frame folders.</summary>
    public static readonly IReadOnlyList<string> Extensions = new[] { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };

    /// <summary>Whether <paramref name="path"/> has an image extension.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Decodes <paramref name="path"/> to an unpremultiplied RGBA bitmap; throws <see cref="DataFileException"/> naming the file.</summary>
    public static SKBitmap Read(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "image file not found");
        using SKCodec? codec = SKCodec.Create(path, out SKCodecResult result);
        if (codec is null) throw new DataFileException(path, $"unreadable image ({result})");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        SKCodecResult decoded = codec.GetPixels(info, bitmap.GetPixels());
        if (decoded == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        throw new DataFileException(path, decoded == SKCodecResult.IncompleteInput ? "truncated image (incomplete input)" : $"unreadable image ({decoded})");
    }
}
