using NAudio.Wave;
using SkiaSharp;

namespace Equimodal.Tests.Data;

/// <summary>Writes real media files (WAV through NAudio, JPEG/PNG through SkiaSharp) for data tests.</summary>
public static class TestMedia
{
    /// <summary>Writes <paramref name="samples"/> (already encoded as bytes) with <paramref name="format"/>.</summary>
    public static string WriteWav(string path, WaveFormat format, byte[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var writer = new WaveFileWriter(path, format)) writer.Write(data, 0, data.Length);
        return path;
    }

    /// <summary>Writes a 16-bit mono PCM sine tone of <paramref name="frequency"/> Hz.</summary>
    public static string WriteTone(string path, double frequency, int sampleRate, double seconds, double amplitude = 0.5)
    {
        int count = (int)(sampleRate * seconds);
        var data = new byte[count * 2];
        for (int i = 0; i < count; i++)
        {
            short value = (short)Math.Round(amplitude * short.MaxValue * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
            BitConverter.GetBytes(value).CopyTo(data, i * 2);
        }
        return WriteWav(path, new WaveFormat(sampleRate, 16, 1), data);
    }

    /// <summary>Writes a <paramref name="width"/> x <paramref name="height"/> image filled with <paramref name="color"/>, left half in <paramref name="left"/>.</summary>
    public static string WriteImage(string path, int width, int height, SKColor color, SKColor? left = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            if (left is { } l) canvas.DrawRect(0, 0, width / 2f, height, new SKPaint { Color = l });
        }
        SKEncodedImageFormat format = path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        using SKData encoded = bitmap.Encode(format, 95);
        File.WriteAllBytes(path, encoded.ToArray());
        return path;
    }

    /// <summary>Writes <paramref name="count"/> JPEG frames (frame_0001.jpg, ...) of one colour into <paramref name="folder"/>.</summary>
    public static string WriteFrames(string folder, int count, SKColor color, int size = 20)
    {
        for (int i = 1; i <= count; i++) WriteImage(Path.Combine(folder, $"frame_{i:D4}.jpg"), size, size, color);
        return folder;
    }
}
