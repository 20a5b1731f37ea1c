using System.Diagnostics;
using NAudio.Wave;
using SkiaSharp;

namespace Equimodal.Tests.Data;

/// <summary>Writes real media files (WAV through NAudio, JPEG/PNG through SkiaSharp, videos through ffmpeg) for data tests.</summary>
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

    /// <summary>
    /// Writes a <paramref name="seconds"/> s video with the real <paramref name="ffmpeg"/>: a 64 x 48 test pattern at 10 fps
    /// when <paramref name="frames"/>, a 440 Hz tone when <paramref name="tone"/> (a file with one stream only when the other is false).
    /// </summary>
    public static string WriteVideo(string ffmpeg, string path, double seconds, bool frames = true, bool tone = true)
    {
        var start = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true, UseShellExecute = false };
        string inputs = (frames ? $" -f lavfi -i testsrc=duration={seconds}:size=64x48:rate=10" : "") + (tone ? $" -f lavfi -i sine=frequency=440:duration={seconds}" : "");
        foreach (string argument in $"-loglevel error{inputs} -shortest {path}".Split(' ', StringSplitOptions.RemoveEmptyEntries))
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return path;
    }
}
