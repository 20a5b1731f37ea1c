using Equimodal.Data;
using Equimodal.Data.Datasets;

namespace Equimodal.Tests.Data;

/// <summary>Data files a careless or hostile user gives: each is an error naming the file (and line), or a skipped sample.</summary>
public class HostileDataTests
{
    private static readonly DataLoadingOptions Fail = new() { ValidationFraction = 0.25 };
    private static readonly DataLoadingOptions Skip = Fail with { OnBadSample = BadSampleMode.Skip };

    /// <summary>
    /// A manifest.csv of two .npy vector modalities (a: 3 values, b: 2 values) with <paramref name="perClass"/> train and
    /// one validation and one test sample per class; the vector of class c is near c. Returns the root.
    /// </summary>
    public static string VectorManifest(IReadOnlyList<string> classes, int perClass = 4)
    {
        string root = TestData.TempFolder();
        Directory.CreateDirectory(Path.Combine(root, "a"));
        Directory.CreateDirectory(Path.Combine(root, "b"));
        var lines = new List<string> { "id,label,split,a,b" };
        for (int c = 0; c < classes.Count; c++)
        for (int k = 0; k < perClass + 2; k++)
        {
            string id = $"s{c}_{k}";
            TinyLayouts.WriteNpy(Path.Combine(root, "a", id + ".npy"), new[] { c, k / 10f, 1f });
            TinyLayouts.WriteNpy(Path.Combine(root, "b", id + ".npy"), new[] { -c, k / 5f });
            string split = k < perClass ? "train" : k == perClass ? "validation" : "test";
            lines.Add($"{id},\"{classes[c]}\",{split},a/{id}.npy,b/{id}.npy");
        }
        File.WriteAllLines(Path.Combine(root, "manifest.csv"), lines);
        return root;
    }

    private static string Manifest(string root) => Path.Combine(root, "manifest.csv");

    private static DataFileException LoadFails(string root, DataLoadingOptions? options = null) =>
        Assert.Throws<DataFileException>(() => ManifestDataset.Load(root, options ?? Fail));

    [Fact]
    public void The_vector_manifest_loads()
    {
        DatasetSplits splits = ManifestDataset.Load(VectorManifest(new[] { "cat", "dog" }), Fail);
        Assert.Equal((8, 2, 2), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
    }

    [Fact]
    public void A_label_only_in_test_or_validation_is_an_error_naming_the_line()
    {
        string root = VectorManifest(new[] { "cat", "dog" });
        File.AppendAllLines(Manifest(root), new[] { "x1,owl,test,a/s0_0.npy,b/s0_0.npy" });
        DataFileException error = LoadFails(root);
        Assert.Equal($"{Manifest(root)} line 14: label 'owl' of 'x1' (test split) never occurs in the training split, so the model could never predict it; add training samples of it or remove its rows", error.Message);
    }

    [Fact]
    public void A_null_label_in_json_lines_is_an_error_naming_the_line()
    {
        string root = VectorManifest(new[] { "cat", "dog" });
        string jsonl = Path.Combine(root, "manifest.jsonl");
        File.WriteAllLines(jsonl, new[]
        {
            "{\"id\":\"s0_0\",\"label\":\"cat\",\"split\":\"train\",\"a\":\"a/s0_0.npy\"}",
            "{\"id\":\"s0_1\",\"label\":null,\"split\":\"train\",\"a\":\"a/s0_1.npy\"}",
        });
        Assert.Equal($"{jsonl} line 2: label is null; every column needs a value", LoadFails(jsonl).Message);
    }

    [Fact]
    public void Non_finite_features_are_bad_samples_named_by_file_and_skipped_in_skip_mode()
    {
        string root = VectorManifest(new[] { "cat", "dog" });
        string bad = Path.Combine(root, "a", "s1_1.npy");
        TinyLayouts.WriteNpy(bad, new[] { float.NaN, float.NaN, float.NaN });
        Assert.Equal($"{bad}: value 0 is NaN; features must be finite numbers", LoadFails(root).Message);
        TinyLayouts.WriteNpy(bad, new[] { 1f, float.PositiveInfinity, 0f });
        DatasetSplits splits = ManifestDataset.Load(root, Skip);
        Assert.Equal("s1_1", Assert.Single(splits.Report.Skipped).Id);
        Assert.Contains("value 1 is Infinity", splits.Report.Skipped[0].Reason);
    }

    [Fact]
    public void Skip_mode_skips_a_bad_vector_file_in_the_first_row()
    {
        string root = VectorManifest(new[] { "cat", "dog" });
        File.WriteAllText(Path.Combine(root, "a", "s0_0.npy"), "not a numpy file");
        DatasetSplits splits = ManifestDataset.Load(root, Skip);
        Assert.Equal("s0_0", Assert.Single(splits.Report.Skipped).Id);
        Assert.Equal(new long[] { 3 }, splits.Modalities[0].Shape);
        Assert.Contains("s0_0.npy", LoadFails(root).Message);
    }

    [Fact]
    public void A_column_twice_in_the_header_is_named()
    {
        string root = VectorManifest(new[] { "cat", "dog" });
        string[] lines = File.ReadAllLines(Manifest(root));
        File.WriteAllLines(Manifest(root), lines.Select((l, i) => i == 0 ? l + ",a" : l + ",a/s0_0.npy"));
        Assert.Equal($"{Manifest(root)} line 1: column 'a' appears twice in the header", LoadFails(root).Message);
    }

    [Fact]
    public void A_class_listed_twice_in_classes_txt_is_named()
    {
        string root = VectorManifest(new[] { "cat", "dog" });
        string classes = Path.Combine(root, "classes.txt");
        File.WriteAllLines(classes, new[] { "cat", "dog", "cat" });
        Assert.Equal($"{classes} line 3: class 'cat' is listed twice (first on line 1)", LoadFails(root).Message);
    }

    [Fact]
    public void A_quoted_comma_stays_in_the_label_and_extra_values_are_errors()
    {
        string root = VectorManifest(new[] { "big, cat", "dog" });
        Assert.Equal(new[] { "big, cat", "dog" }, ManifestDataset.Load(root, Fail).ClassNames);
        File.AppendAllLines(Manifest(root), new[] { "x1,dog,train,a/s0_0.npy,b/s0_0.npy,surplus" });
        Assert.Equal($"{Manifest(root)} line 14: 6 value(s) but 5 columns (id,label,split,a,b); quote a value that holds a comma", LoadFails(root).Message);
    }

    [Fact]
    public void An_idx_label_that_is_not_a_digit_names_the_file()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann" }, indices: 6, imagesPerDigit: 1);
        string labels = Path.Combine(root, "mnist10k", "labels-idx1-ubyte");
        TinyLayouts.WriteIdx(labels, 0x0801, new[] { 10 }, new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12 });
        var error = Assert.Throws<DataFileException>(() => AvDigitsDataset.Load(root, Fail, new AvDigitsOptions()));
        Assert.Equal($"{labels}: label 12 of image 9 is not a digit 0-9", error.Message);
    }

    [Fact]
    public void A_digit_without_an_image_names_the_label_file()
    {
        string root = TinyLayouts.AvDigits(new[] { "ann" }, indices: 6, imagesPerDigit: 1);
        string labels = Path.Combine(root, "mnist10k", "labels-idx1-ubyte");
        TinyLayouts.WriteIdx(labels, 0x0801, new[] { 10 }, new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 8 });
        var error = Assert.Throws<DataFileException>(() => AvDigitsDataset.Load(root, Fail, new AvDigitsOptions()));
        Assert.Equal($"{labels}: no image has label 9, but FSDD has recordings of that digit", error.Message);
    }
}
