using Equimodal.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Data;

public class SyntheticAudioVisualTests
{
    private static readonly SyntheticOptions Small = new() { Samples = 600 };

    [Fact]
    public void Same_seed_gives_identical_data_and_another_seed_differs()
    {
        using TensorDataset a = SyntheticAudioVisual.GenerateAll(Small);
        using TensorDataset b = SyntheticAudioVisual.GenerateAll(Small);
        using TensorDataset c = SyntheticAudioVisual.GenerateAll(Small with { DataSeed = 7 });
        Assert.True(a.InputsOf(0).eq(b.InputsOf(0)).all().item<bool>());
        Assert.True(a.InputsOf(1).eq(b.InputsOf(1)).all().item<bool>());
        Assert.False(a.InputsOf(0).eq(c.InputsOf(0)).all().item<bool>());
    }

    [Fact]
    public void Shapes_follow_the_options()
    {
        var options = Small with { ImageSize = 16, Frames = 2, FrequencyBins = 20, TimeSteps = 24, Classes = 4, AudioAmbiguousPairs = "0-1", VisualAmbiguousPairs = "2-3" };
        using TensorDataset data = SyntheticAudioVisual.GenerateAll(options);
        Assert.Equal(new long[] { 600, 1, 20, 24 }, data.InputsOf(0).shape);
        Assert.Equal(new long[] { 600, 2, 3, 16, 16 }, data.InputsOf(1).shape);
        Assert.Equal(4, data.ClassNames.Count);
        Assert.Equal(150, Enumerable.Range(0, data.Count).Count(i => data.LabelOf(i) == 3));
    }

    [Fact]
    public void Ambiguous_pairs_merge_classes_into_pattern_groups()
    {
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 3 }, SyntheticAudioVisual.PatternGroups(6, "0-1,2-3"));
        Assert.Equal(new[] { 0, 1, 1, 2, 3, 3 }, SyntheticAudioVisual.PatternGroups(6, "1-2,4-5"));
        Assert.Equal(new[] { 0, 0, 0, 1 }, SyntheticAudioVisual.PatternGroups(4, "2-1, 0-1"));
        var error = Assert.Throws<ArgumentException>(() => SyntheticAudioVisual.PatternGroups(4, "0-9"));
        Assert.Contains("0-9", error.Message);
    }

    [Fact]
    public void Splits_are_disjoint_stratified_and_cover_everything()
    {
        DatasetSplits splits = SyntheticAudioVisual.Generate(Small);
        var all = new[] { splits.Train, splits.Validation, splits.Test }.Cast<DatasetSubset>().SelectMany(s => s.SourceIndices).ToArray();
        Assert.Equal(600, all.Length);
        Assert.Equal(600, all.Distinct().Count());
        foreach (var split in new[] { splits.Validation, splits.Test })
            Assert.All(Enumerable.Range(0, 6), c => Assert.Equal(20, Enumerable.Range(0, split.Count).Count(i => split.LabelOf(i) == c)));
    }

    /// <summary>
    /// The benchmark's reason to exist: each modality alone confuses some class pairs, together they separate all.
    /// A linear probe (softmax regression on the frame- and channel-averaged image and the spectrogram) shows it.
    /// </summary>
    [Fact]
    public void A_linear_probe_needs_both_modalities()
    {
        DatasetSplits splits = SyntheticAudioVisual.Generate(new SyntheticOptions());
        double audio = ProbeAccuracy(splits, useAudio: true, useVisual: false);
        double visual = ProbeAccuracy(splits, useAudio: false, useVisual: true);
        double both = ProbeAccuracy(splits, useAudio: true, useVisual: true);
        Assert.InRange(audio, 0.5, 0.8);
        Assert.InRange(visual, 0.4, 0.8);
        Assert.True(both > Math.Max(audio, visual) + 0.15, $"both {both:P1}, audio {audio:P1}, visual {visual:P1}");
    }

    private static double ProbeAccuracy(DatasetSplits splits, bool useAudio, bool useVisual)
    {
        using var scope = NewDisposeScope();
        Tensor Features(IMultimodalDataset split)
        {
            Batch batch = split.GetBatch(Enumerable.Range(0, split.Count).ToArray(), training: false);
            var parts = new List<Tensor>();
            if (useAudio) parts.Add(batch.Inputs[0].flatten(1));
            if (useVisual) parts.Add(batch.Inputs[1].mean(new long[] { 1, 2 }).flatten(1));
            return cat(parts.ToArray(), 1);
        }
        Tensor Labels(IMultimodalDataset split) => tensor(Enumerable.Range(0, split.Count).Select(i => (long)split.LabelOf(i)).ToArray());
        torch.manual_seed(0);
        Tensor x = Features(splits.Train), y = Labels(splits.Train);
        var probe = nn.Linear(x.shape[1], splits.ClassNames.Count);
        var optimizer = optim.Adam(probe.parameters(), 0.01, weight_decay: 1e-3);
        for (int step = 0; step < 300; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(probe.forward(x), y).backward();
            optimizer.step();
        }
        using var noGrad = no_grad();
        Tensor predictions = probe.forward(Features(splits.Test)).argmax(1);
        return predictions.eq(Labels(splits.Test)).to_type(ScalarType.Float32).mean().item<float>();
    }
}
