using System.Collections.Concurrent;
using Equimodal.Runtime;

namespace Equimodal.Data;

/// <summary>
/// Loads the batches of an epoch on a worker thread, up to <c>depth</c> ahead of the consumer, so decoding and
/// preprocessing overlap the training step. The worker creates CPU tensors outside any dispose scope; each yielded
/// <see cref="Batch"/> is owned by the consumer, which must dispose it (batches never consumed are disposed here).
/// Batches equal those of <see cref="BatchLoader.Batches"/> bit for bit: augmentation depends only on the batch's place in the run.
/// The worker runs libtorch's operations on its own thread alone (<see cref="NativeRuntime.RunOperationsOnThisThreadOnly"/>),
/// leaving the intra-op threads to the step.
/// </summary>
public sealed class PrefetchingLoader
{
    private readonly BatchLoader _loader;
    private readonly int _depth;

    /// <summary>Loads <paramref name="loader"/>'s batches ahead, keeping up to <paramref name="depth"/> ready.</summary>
    public PrefetchingLoader(BatchLoader loader, int depth = 2)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), $"Prefetch depth must be at least 1, got {depth}.");
        _loader = loader;
        _depth = depth;
    }

    /// <summary>The batches of <paramref name="epoch"/> after the first <paramref name="skip"/>, in the order of <see cref="BatchLoader.Batches"/>.</summary>
    public IEnumerable<Batch> Batches(int epoch, bool training, int skip = 0)
    {
        using var queue = new BlockingCollection<Batch>(_depth);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                NativeRuntime.RunOperationsOnThisThreadOnly();
                foreach ((int[] indices, Augmentation augmentation) in _loader.Plan(epoch, training, skip))
                {
                    Batch batch = _loader.Dataset.GetBatch(indices, augmentation);
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
