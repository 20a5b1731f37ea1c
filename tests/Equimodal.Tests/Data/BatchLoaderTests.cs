using Equimodal.Data;

namespace Equimodal.Tests.Data;

public class BatchLoaderTests
{
    private static readonly TensorDataset Data = SyntheticAudioVisual.GenerateAll(new SyntheticOptions { Samples = 60 });

    [Fact]
    public void Every_epoch_is_a_new_permutation_and_the_same_seed_repeats_it()
    {
        var loader = new BatchLoader(Data, 8, shuffle: true, seed: 3);
        int[] first = loader.Order(0), second = loader.Order(1);
        Assert.Equal(Enumerable.Range(0, 60), first.Order());
        Assert.NotEqual(first, second);
        Assert.Equal(first, new BatchLoader(Data, 8, shuffle: true, seed: 3).Order(0));
        Assert.NotEqual(first, new BatchLoader(Data, 8, shuffle: true, seed: 4).Order(0));
    }

    [Fact]
    public void Batches_cover_the_epoch_with_a_short_last_batch()
    {
        var loader = new BatchLoader(Data, 25, shuffle: false, seed: 0);
        int[][] batches = loader.BatchIndices(0).ToArray();
        Assert.Equal(3, loader.BatchesPerEpoch);
        Assert.Equal(new[] { 25, 25, 10 }, batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 60), batches.SelectMany(b => b));
    }

    [Fact]
    public void Non_positive_batch_size_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(Data, 0, shuffle: true, seed: 0));
        Assert.Contains("positive", error.Message);
    }
}
