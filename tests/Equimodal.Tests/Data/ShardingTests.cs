using Equimodal.Data;

namespace Equimodal.Tests.Data;

/// <summary>(rank, world) as coordinates of the batch plan, as PyTorch's DistributedSampler shards an epoch.</summary>
public class ShardingTests
{
    private static readonly DatasetSubset Data = new(SyntheticAudioVisual.GenerateAll(new SyntheticOptions { Samples = 60 }), Enumerable.Range(0, 10).ToArray());

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_ranks_together_see_every_sample_once_plus_the_padding_of_a_count_that_does_not_divide(int world)
    {
        var loaders = Enumerable.Range(0, world).Select(rank => new BatchLoader(Data, 2, shuffle: true, seed: 5, rank, world)).ToArray();
        int perRank = (10 + world - 1) / world;
        int[] order = loaders[0].Order(1);
        var seen = loaders.SelectMany(l => l.BatchIndices(1).SelectMany(b => b)).ToList();
        Assert.All(loaders, l => Assert.Equal(perRank, l.BatchIndices(1).Sum(b => b.Length)));
        Assert.All(loaders, l => Assert.Equal(loaders[0].BatchesPerEpoch, l.BatchesPerEpoch));
        Assert.Equal(Enumerable.Range(0, 10), seen.Distinct().Order());
        // The padding repeats the first samples of the epoch's order, as DistributedSampler does.
        int padding = perRank * world - 10;
        Assert.Equal(order.Take(padding).Order(), seen.GroupBy(i => i).Where(g => g.Count() == 2).Select(g => g.Key).Order());
        Assert.Equal(10 + padding, seen.Count);
    }

    [Fact]
    public void Batch_k_of_all_ranks_is_batch_k_of_one_process_with_a_world_times_larger_batch_augmentation_included()
    {
        const int world = 2;
        var whole = new BatchLoader(Data, 4, shuffle: true, seed: 9);
        var ranks = Enumerable.Range(0, world).Select(rank => new BatchLoader(Data, 2, shuffle: true, seed: 9, rank, world)).ToArray();
        var wholePlan = whole.Plan(2, training: true).ToArray();
        var rankPlans = ranks.Select(r => r.Plan(2, training: true).ToArray()).ToArray();
        Assert.Equal(wholePlan.Length, rankPlans[0].Length);
        for (int k = 0; k < wholePlan.Length; k++)
        {
            for (int r = 0; r < world; r++)
            {
                var (indices, augmentation) = rankPlans[r][k];
                for (int j = 0; j < indices.Length; j++)
                {
                    int position = j * world + r;
                    Assert.Equal(wholePlan[k].Indices[position], indices[j]);
                    Assert.Equal(wholePlan[k].Augmentation.ForSample(position).Next(), augmentation.ForSample(j).Next());
                }
            }
        }
    }

    [Fact]
    public void A_rank_outside_the_world_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(Data, 2, shuffle: true, seed: 0, rank: 2, world: 2));
    }
}
