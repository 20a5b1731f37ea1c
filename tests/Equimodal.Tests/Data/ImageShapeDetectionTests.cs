using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Data.Images;
using Equimodal.Experiments;
using Equimodal.Tests.Cli;
using Equimodal.Tests.Docs;
using SkiaSharp;

namespace Equimodal.Tests.Data;

public class ImageShapeDetectionTests
{
    [Fact]
    public void Grey_28_pixel_images_are_read_as_one_grey_frame_of_28_x_28()
    {
        string manifest = ExampleFolderDataset.Write(TestData.TempFolder(), perClass: 8);
        DatasetSplits splits = ManifestDataset.Load(manifest, new DataLoadingOptions { DetectImage = ImageDetection.All });
        Assert.Equal(new long[] { 1, 1, 28, 28 }, splits.Modalities.Single(m => m.Name == "visual").Shape);
        string notice = Assert.Single(splits.Report.Notices);
        Assert.Contains("visual: read as 1 frame(s) of 1 x 28 x 28", notice);
        Assert.Contains("28 x 28, grey, 1 frame(s)", notice);
        Assert.Equal(28, splits.Preprocessing.Inputs.Single(i => i.Modality == "visual").Image!.Size);
    }

    [Fact]
    public void Large_colour_frame_folders_keep_the_default_size_and_at_most_three_frames()
    {
        string folder = TestData.TempFolder();
        var lines = new List<string> { "id,label,split,camera" };
        for (int k = 0; k < 12; k++)
        {
            for (int f = 0; f < 5; f++) TestMedia.WriteImage(Path.Combine(folder, $"c{k}", $"frame_{f}.jpg"), 200, 150, new SKColor(200, 30, 30));
            lines.Add($"c{k},{(k % 2 == 0 ? "a" : "b")},{(k < 8 ? "train" : "test")},c{k}");
        }
        File.WriteAllLines(Path.Combine(folder, "manifest.csv"), lines);
        DatasetSplits splits = ManifestDataset.Load(folder, new DataLoadingOptions { DetectImage = ImageDetection.All, ValidationFraction = 0.25 });
        Assert.Equal(new long[] { 3, 3, 112, 112 }, splits.Modalities.Single().Shape);
        Assert.Contains("200 x 150, colour, 5 frame(s)", Assert.Single(splits.Report.Notices));
    }

    [Fact]
    public void Given_settings_stay_and_nothing_is_detected_by_default()
    {
        string manifest = ExampleFolderDataset.Write(TestData.TempFolder(), perClass: 8);
        var sizeGiven = new DataLoadingOptions { Image = new ImageSettings { Size = 16 }, DetectImage = ImageDetection.Channels | ImageDetection.Frames };
        Assert.Equal(new long[] { 1, 1, 16, 16 }, ManifestDataset.Load(manifest, sizeGiven).Modalities.Single(m => m.Name == "visual").Shape);
        DatasetSplits library = ManifestDataset.Load(manifest, new DataLoadingOptions());
        Assert.Equal(new long[] { 3, 3, 112, 112 }, library.Modalities.Single(m => m.Name == "visual").Shape);
        Assert.Empty(library.Report.Notices);
    }

    [Fact]
    public void Train_prints_and_records_the_detected_shape_and_a_flag_overrides_it()
    {
        string folder = TestData.TempFolder();
        string manifest = ExampleFolderDataset.Write(Path.Combine(folder, "my-data"), perClass: 8);
        string[] train = { "train", "--dataset", "folder", "--data", manifest, "--epochs", "1", "--width", "4", "--depth", "1", "--threads", "1" };
        (int code, string output) = CliRunner.Run(train.Concat(new[] { "--out", Path.Combine(folder, "detected") }).ToArray());
        Assert.True(code == 0, output);
        Assert.Contains("visual: read as 1 frame(s) of 1 x 28 x 28", output);
        Assert.Contains("\"size\": 28", File.ReadAllText(Path.Combine(folder, "detected", RunFolder.PreprocessingFile)));
        (code, output) = CliRunner.Run(train.Concat(new[] { "--image-size", "20", "--out", Path.Combine(folder, "given") }).ToArray());
        Assert.True(code == 0, output);
        Assert.Contains("visual: read as 1 frame(s) of 1 x 20 x 20", output);
    }
}
