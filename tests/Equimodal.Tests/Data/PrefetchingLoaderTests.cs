using Equimodal.Data;

namespace Equimodal.Tests.Data;

public class PrefetchingLoaderTests
{
    [Fact]
    public void Prefetched_batches_equal_the_plain_loader_in_order_and_content()
    {
        IMultimodalDataset data = TestData.Small.Train;
        var loader = new BatchLoader(data, 50, shuffle: true, seed: 3);
        var prefetching = new PrefetchingLoader(data, loader, depth: 2);
        using var plain = loader.Batches(1, false).GetEnumerator();
        int count = 0;
        foreach (Batch batch in prefetching.Batches(1, false))
        {
            using Batch fetched = batch;
            Assert.True(plain.MoveNext());
            using Batch expected = plain.Current;
            Assert.Equal(expected.Labels.data<long>().ToArray(), fetched.Labels.data<long>().ToArray());
            Assert.True(expected.Inputs[0].equal(fetched.Inputs[0]).all().item<bool>());
            count++;
        }
        Assert.Equal(loader.BatchesPerEpoch, count);
    }

    [Fact]
    public void Stopping_early_ends_the_worker_and_a_failing_batch_is_reported()
    {
        var loader = new BatchLoader(TestData.Small.Train, 10, shuffle: false, seed: 0);
        foreach (Batch batch in new PrefetchingLoader(TestData.Small.Train, loader, 1).Batches(0, false))
        {
            batch.Dispose();
            break;
        }
        var failing = new DatasetSubset(TestData.Small.Train, new[] { 0 });
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            // A loader larger than its dataset asks for a missing sample on the worker thread.
            foreach (Batch batch in new PrefetchingLoader(failing, loader, 1).Batches(0, false)) batch.Dispose();
        });
        Assert.StartsWith("Loading a batch failed", error.Message);
    }
}
