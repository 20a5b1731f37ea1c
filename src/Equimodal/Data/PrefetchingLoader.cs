using System.Collections.Concurrent;

namespace Equimodal.Data;

/// <summary>
/// Loads the batches of an epoch on a worker thread, up to <c>depth</c> ahead of the consumer, so decoding and
/// preprocessing overlap the training step. The worker creates CPU tensors outside any dispose scope; each yielded
/// <see cref="Batch"/> is owned by the consumer, which must dispose it (batches never consumed are disposed here).
/// </summary>
public sealed class PrefetchingLoader
{
    private readonly IMultimodalDataset _dataset;
    private readonly BatchLoader _loader;
    private readonly int _depth;

    /// <summary>Creates a loader over <paramref name="dataset"/> in <paramref name="loader"/>'s order, keeping up to <paramref name="depth"/> batches ready.</summary>
    public PrefetchingLoader(IMultimodalDataset dataset, BatchLoader loader, int depth = 2)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), $"Prefetch depth must be at least 1, got {depth}.");
        _dataset = dataset;
        _loader = loader;
        _depth = depth;
    }

    /// <summary>The batches of <paramref name="epoch"/>, in the same order as <see cref="BatchLoader.Batches"/>.</summary>
    public IEnumerable<Batch> Batches(int epoch, bool training)
    {
        using var queue = new BlockingCollection<Batch>(_depth);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                foreach (int[] indices in _loader.BatchIndices(epoch))
                {
                    Batch batch = _dataset.GetBatch(indices, training);
                    try
                    {
                        queue.Add(batch, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        batch.Dispose();
                        return;
                    }
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                queue.CompleteAdding();
            }
        }) { IsBackground = true, Name = "equimodal-prefetch" };
        worker.Start();
        try
        {
            foreach (Batch batch in queue.GetConsumingEnumerable()) yield return batch;
            if (failure is not null) throw new InvalidOperationException($"Loading a batch failed: {failure.Message}", failure);
        }
        finally
        {
            stop.Cancel();
            worker.Join();
            while (queue.TryTake(out Batch? left)) left.Dispose();
        }
    }
}
