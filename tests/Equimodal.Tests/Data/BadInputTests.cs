using Equimodal.Data;
using Equimodal.Data.Datasets;

namespace Equimodal.Tests.Data;

public class BadInputTests
{
    private static DataFileException LoadFails(string root) =>
        Assert.Throws<DataFileException>(() => CremaDDataset.Load(root, TinyLayouts.Options));

    [Fact]
    public void A_label_outside_the_class_list_names_the_csv_line()
    {
        string root = TinyLayouts.CremaD(perClass: 2);
        File.AppendAllLines(Path.Combine(root, "train.csv"), new[] { "1000_DFA_ANG_XX,BORED" });
        var error = LoadFails(root);
        Assert.Equal($"{Path.Combine(root, "train.csv")} line 13: label 'BORED' of '1000_DFA_ANG_XX' is not one of ANG, DIS, FEA, HAP, NEU, SAD", error.Message);
    }

    [Fact]
    public void A_duplicate_id_names_both_lines()
    {
        string root = TinyLayouts.CremaD(perClass: 2);
        string list = Path.Combine(root, "train.csv");
        File.AppendAllLines(list, new[] { File.ReadLines(list).First() });
        Assert.Contains($"{list} line 13: duplicate id '1000_DFA_ANG_XX' (first listed on line 1)", LoadFails(root).Message);
    }

    [Fact]
    public void A_csv_with_missing_columns_names_the_file_line_and_columns()
    {
        string root = TinyLayouts.VggSound();
        string list = Path.Combine(root, VggSoundDataset.ListFile);
        File.WriteAllLines(list, new[] { "youtube_id,label,split", "abc,rain,train" });
        var error = Assert.Throws<DataFileException>(() => VggSoundDataset.Load(root, TinyLayouts.Options));
        Assert.Equal($"{list} line 1: missing column(s) start_seconds (header: youtube_id,label,split)", error.Message);

        File.WriteAllLines(list, new[] { "abc,10,rain" });
        Assert.Contains($"{list} line 1: 3 value(s) but 4 columns", Assert.Throws<DataFileException>(() => VggSoundDataset.Load(root, TinyLayouts.Options)).Message);

        string manifest = Path.Combine(TinyLayouts.Folder(jsonLines: true), "manifest.jsonl");
        File.AppendAllLines(manifest, new[] { "{\"id\":\"x\",\"label\":\"cat\",\"sound\":\"wav/s00.wav\",\"camera\":\"frames/s00\",\"embedding\":\"vec/s00.npy\"}" });
        Assert.Contains($"{manifest} line 13: missing column(s) split", Assert.Throws<DataFileException>(() => ManifestDataset.Load(manifest, TinyLayouts.Options)).Message);
    }

    [Fact]
    public void Empty_or_missing_frame_folders_fail_by_default_naming_the_folder()
    {
        string root = TinyLayouts.CremaD(perClass: 2);
        string frames = Path.Combine(root, CremaDDataset.FramesFolder, "1010_DFA_DIS_XX");
        foreach (string f in Directory.GetFiles(frames)) File.Delete(f);
        Assert.Equal($"{frames}: frame folder holds no images (.jpg, .jpeg, .png, .bmp, .webp)", LoadFails(root).Message);

        Directory.Delete(frames);
        Assert.Equal($"{frames}: frame folder not found", LoadFails(root).Message);
    }

    [Fact]
    public void Skip_mode_leaves_bad_samples_out_and_reports_each_reason()
    {
        string root = TinyLayouts.CremaD(perClass: 3);
        string wav = Path.Combine(root, CremaDDataset.AudioFolder, "1000_DFA_ANG_XX.wav");
        File.WriteAllBytes(wav, File.ReadAllBytes(wav)[..100]);
        string frame = Directory.GetFiles(Path.Combine(root, CremaDDataset.FramesFolder, "1011_DFA_DIS_XX"))[1];
        File.WriteAllText(frame, "not a jpeg");
        File.AppendAllLines(Path.Combine(root, "test.csv"), new[] { "9999_DFA_XXX_XX,BORED" });

        DatasetSplits splits = CremaDDataset.Load(root, TinyLayouts.Options with { OnBadSample = BadSampleMode.Skip });
        Assert.Equal(3, splits.Report.SkippedCount);
        Assert.Equal(new[] { "1000_DFA_ANG_XX", "1011_DFA_DIS_XX", "9999_DFA_XXX_XX" }, splits.Report.Skipped.Select(s => s.Id));
        Assert.Contains($"{wav}: truncated", splits.Report.Skipped[0].Reason);
        Assert.Contains($"{frame}: unreadable image", splits.Report.Skipped[1].Reason);
        Assert.Contains("label 'BORED'", splits.Report.Skipped[2].Reason);
        Assert.Equal(6 * 4 - 2, splits.Train.Count + splits.Validation.Count + splits.Test.Count);
        Assert.Equal("Skipped 3 bad sample(s):", splits.Report.Lines().First());

        Assert.Contains($"{wav}: truncated", LoadFails(root).Message);
    }

    [Fact]
    public void Idx_files_with_a_wrong_magic_or_size_are_named()
    {
        string folder = TestData.TempFolder();
        string images = Path.Combine(folder, "images-idx3-ubyte");
        TinyLayouts.WriteIdx(images, 0x0801, new[] { 1, 28, 28 }, new byte[784]);
        Assert.Equal($"{images}: wrong magic number 0x00000801, expected 0x00000803", Assert.Throws<DataFileException>(() => IdxFile.ReadImages(images)).Message);
        TinyLayouts.WriteIdx(images, 0x0803, new[] { 2, 28, 28 }, new byte[784]);
        Assert.Contains($"{images}: wrong size: header declares 2 images of 28x28 (1584 bytes) but the file has 800 bytes", Assert.Throws<DataFileException>(() => IdxFile.ReadImages(images)).Message);
        string labels = Path.Combine(folder, "labels-idx1-ubyte");
        TinyLayouts.WriteIdx(labels, 0x0801, new[] { 3 }, new byte[] { 1, 2 });
        Assert.Contains($"{labels}: wrong size", Assert.Throws<DataFileException>(() => IdxFile.ReadLabels(labels)).Message);
    }

    [Fact]
    public void Npy_files_of_the_wrong_kind_are_named()
    {
        string folder = TestData.TempFolder();
        string text = Path.Combine(folder, "text.npy");
        File.WriteAllText(text, "hello world, no numbers");
        Assert.Contains($"{text}: not a .npy file", Assert.Throws<DataFileException>(() => NpyVector.Read(text)).Message);
    }
}
