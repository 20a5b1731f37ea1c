using Equimodal.Data;
using Equimodal.Data.Images;
using SkiaSharp;

namespace Equimodal.Tests.Data;

public class ImageTransformTests
{
    private readonly string _folder = TestData.TempFolder();

    private static float Normalized(byte value, int channel) => (value / 255f - ImageTransform.Mean[channel]) / ImageTransform.Std[channel];

    [Fact]
    public void Png_decodes_resizes_and_normalizes_with_imagenet_statistics()
    {
        string path = TestMedia.WriteImage(Path.Combine(_folder, "red.png"), 40, 30, new SKColor(255, 0, 0), left: new SKColor(0, 0, 255));
        using SKBitmap image = ImageReader.Read(path);
        Assert.Equal((40, 30), (image.Width, image.Height));
        float[] pixels = new ImageTransform(new ImageSettings { Size = 16 }).Apply(image, training: false, new Random(0));
        Assert.Equal(3 * 16 * 16, pixels.Length);
        // Top-left pixel is blue (left half), top-right is red.
        Assert.Equal(Normalized(0, 0), pixels[0], 3);
        Assert.Equal(Normalized(255, 2), pixels[2 * 256], 3);
        Assert.Equal(Normalized(255, 0), pixels[15], 3);
        Assert.Equal(Normalized(0, 2), pixels[2 * 256 + 15], 3);
    }

    [Fact]
    public void Training_flips_horizontally_about_half_the_time_and_crops_randomly()
    {
        string path = TestMedia.WriteImage(Path.Combine(_folder, "halves.jpg"), 64, 64, new SKColor(255, 0, 0), left: new SKColor(0, 0, 255));
        using SKBitmap image = ImageReader.Read(path);
        var transform = new ImageTransform(new ImageSettings { Size = 8, MinCropScale = 0.9 });
        var random = new Random(3);
        int flipped = 0;
        var distinct = new HashSet<string>();
        for (int i = 0; i < 100; i++)
        {
            float[] pixels = transform.Apply(image, training: true, random);
            // Red channel of the top-left pixel is high when the red (right) half moved to the left.
            if (pixels[0] > 0) flipped++;
            distinct.Add(string.Join(",", pixels.Take(64).Select(v => MathF.Round(v, 2))));
        }
        Assert.InRange(flipped, 30, 70);
        Assert.True(distinct.Count > 2);
    }

    [Fact]
    public void Grey_output_has_one_channel()
    {
        string path = TestMedia.WriteImage(Path.Combine(_folder, "white.png"), 10, 10, SKColors.White);
        using SKBitmap image = ImageReader.Read(path);
        float[] pixels = new ImageTransform(new ImageSettings { Size = 8, Channels = 1 }).Apply(image, false, new Random(0));
        Assert.Equal(64, pixels.Length);
        Assert.All(pixels, v => Assert.Equal((1 - ImageTransform.Mean.Average()) / ImageTransform.Std.Average(), v, 2));
    }

    [Fact]
    public void Frames_are_taken_evenly_and_bad_folders_are_named()
    {
        string clip = TestMedia.WriteFrames(Path.Combine(_folder, "clip"), 10, SKColors.Green, size: 8);
        string[] frames = FrameFolder.List(clip);
        Assert.Equal(10, frames.Length);
        Assert.Equal(new[] { "frame_0002.jpg", "frame_0006.jpg", "frame_0009.jpg" }, FrameFolder.Pick(frames, 3).Select(Path.GetFileName));
        Assert.Equal(new[] { frames[0], frames[0], frames[1], frames[1] }, FrameFolder.Pick(frames.Take(2).ToArray(), 4));

        string empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        Assert.Contains($"{empty}: frame folder holds no images", Assert.Throws<DataFileException>(() => FrameFolder.List(empty)).Message);
        string missing = Path.Combine(_folder, "missing");
        Assert.Contains($"{missing}: frame folder not found", Assert.Throws<DataFileException>(() => FrameFolder.List(missing)).Message);
    }

    [Fact]
    public void An_unreadable_or_truncated_image_is_named()
    {
        string garbage = Path.Combine(_folder, "garbage.jpg");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 200).Select(i => (byte)(i * 7)).ToArray());
        Assert.Contains($"{garbage}: unreadable image", Assert.Throws<DataFileException>(() => ImageReader.Read(garbage)).Message);

        string cut = TestMedia.WriteImage(Path.Combine(_folder, "cut.png"), 64, 64, SKColors.Yellow, left: SKColors.Black);
        byte[] bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<DataFileException>(() => ImageReader.Read(cut));
        Assert.StartsWith(cut, error.Message);
    }
}
