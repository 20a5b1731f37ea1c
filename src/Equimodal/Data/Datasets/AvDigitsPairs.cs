using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data.Datasets;

/// <summary>
/// The AV-Digits pair tasks: every recording gets an image of a digit drawn uniformly and independently of the
/// recording's digit, and the labels say something only both digits together tell (their sum, or the set of both).
/// </summary>
internal static class AvDigitsPairs
{
    /// <summary>Class, label or target names, the label tensor and, for multi-label and regression, each sample's stratum.</summary>
    public sealed record Labels(IReadOnlyList<string> Names, Tensor Values, IReadOnlyList<int>? Strata);

    /// <summary>
    /// For each of <paramref name="count"/> recordings, the digit of its image (uniform over 0-9) and the MNIST row of the
    /// image: within each digit the images are shuffled and used in turn, so none repeats until the digit's images run out.
    /// </summary>
    public static (int[] ImageOf, int[] VisualDigits) DrawImages(int count, byte[] labels, string labelFile, int seed)
    {
        var random = new Random(seed);
        int[] visualDigits = Enumerable.Range(0, count).Select(_ => random.Next(10)).ToArray();
        var imageOf = new int[count];
        for (int digit = 0; digit < 10; digit++)
        {
            int[] samples = Enumerable.Range(0, count).Where(i => visualDigits[i] == digit).ToArray();
            int[] imageRows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == digit).ToArray();
            if (samples.Length == 0) continue;
            if (imageRows.Length == 0) throw new DataFileException(labelFile, $"no image has label {digit}, but the pair tasks draw every digit");
            random.Shuffle(imageRows);
            for (int k = 0; k < samples.Length; k++) imageOf[samples[k]] = imageRows[k % imageRows.Length];
        }
        return (imageOf, visualDigits);
    }

    /// <summary>
    /// The labels of <paramref name="task"/> ("sum" or "pair") learned as <paramref name="kind"/>. Every kind of both tasks
    /// is stratified by the sum, so their splits hold the same samples.
    /// </summary>
    public static Labels Of(string task, TaskKind kind, IReadOnlyList<int> audioDigits, IReadOnlyList<int> visualDigits)
    {
        int n = audioDigits.Count;
        int[] sums = Enumerable.Range(0, n).Select(i => audioDigits[i] + visualDigits[i]).ToArray();
        if (task == "sum" && kind == TaskKind.Classification)
            return new Labels(Enumerable.Range(0, 19).Select(s => s.ToString()).ToArray(), torch.tensor(sums.Select(s => (long)s).ToArray(), ScalarType.Int64), null);
        if (task == "sum")
            return new Labels(new[] { "sum" }, torch.tensor(sums.Select(s => (float)s).ToArray(), new long[] { n, 1 }), sums);
        var multiHot = new float[n * 10];
        for (int i = 0; i < n; i++)
        {
            multiHot[i * 10 + audioDigits[i]] = 1;
            multiHot[i * 10 + visualDigits[i]] = 1;
        }
        return new Labels(AvDigitsDataset.Classes, torch.tensor(multiHot, new long[] { n, 10 }), sums);
    }
}
