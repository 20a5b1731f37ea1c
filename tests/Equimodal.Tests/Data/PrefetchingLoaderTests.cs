using System.Collections.Concurrent;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Tasks;
using TorchSharp;

namespace Equimodal.Tests.Data;

public class PrefetchingLoaderTests
{
    [Fact]
    public void Prefetched_batches_equal_the_plain_loader_in_order_and_content()
    {
        var loader = new BatchLoader(TestData.Small.Train, 50, shuffle: true, seed: 3);
        AssertSameBatches(loader.Batches(1, false).ToList(), new PrefetchingLoader(loader, depth: 2).Batches(1, false));
    }

    [Fact]
    public void Augmented_file_batches_are_a_function_of_their_place_in_the_run_not_of_the_thread_or_a_skip()
    {
        IMultimodalDataset train = CremaDDataset.Load(TinyLayouts.WithTexturedFrames(TinyLayouts.CremaD(perClass: 3)), TinyLayouts.Options).Train;
        var loader = new BatchLoader(train, 3, shuffle: true, seed: 5);

        List<Batch> plain = loader.Batches(1, training: true).ToList();
        using (Batch unaugmented = train.GetBatch(loader.BatchIndices(1).First(), Augmentation.None))
            Assert.False(plain[0].Inputs[1].equal(unaugmented.Inputs[1]).all().item<bool>(), "training batches should be augmented");
        using (Batch otherEpoch = loader.Batches(2, training: true).First())
            Assert.False(plain[0].Inputs[1].equal(otherEpoch.Inputs[1]).all().item<bool>(), "each epoch should draw new augmentations");

        // What a resumed run loads after 2 finished steps equals the rest of the uninterrupted epoch, read on a worker thread.
        foreach (Batch skipped in plain.Take(2)) skipped.Dispose();
        AssertSameBatches(plain.Skip(2).ToList(), new PrefetchingLoader(loader, depth: 1).Batches(1, training: true, skip: 2));
    }

    [Fact]
    public void Stopping_early_ends_the_worker_and_a_failing_batch_is_reported_with_its_cause()
    {
        var loader = new BatchLoader(TestData.Small.Train, 10, shuffle: false, seed: 0);
        foreach (Batch batch in new PrefetchingLoader(loader, 1).Batches(0, false))
        {
            batch.Dispose();
            break;
        }
        string root = TinyLayouts.CremaD(perClass: 2);
        IMultimodalDataset test = CremaDDataset.Load(root, TinyLayouts.Options with { ValidationFraction = 0.5 }).Test;
        // Frames that disappear after loading fail on the worker thread; the consumer gets the reason.
        Directory.Delete(Path.Combine(root, CremaDDataset.FramesFolder), recursive: true);
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (Batch batch in new PrefetchingLoader(new BatchLoader(test, 2, shuffle: false, seed: 0), 1).Batches(0, false)) batch.Dispose();
        });
        Assert.StartsWith("Loading a batch failed", error.Message);
        Assert.IsType<DataFileException>(error.InnerException);
    }

    /// <summary>
    /// The worker runs libtorch's operations on its own thread alone; with an OpenMP team of its own, the training
    /// step's OpenMP worker falls asleep between operations (see NativeRuntime.RunOperationsOnThisThreadOnly).
    /// </summary>
    [Fact]
    public void The_worker_loads_with_one_libtorch_thread_while_the_consumer_keeps_its_count()
    {
        int before = torch.get_num_threads();
        torch.set_num_threads(2);
        try
        {
            var seen = new ConcurrentBag<int>();
            var loader = new BatchLoader(new ThreadCountRecorder(TestData.Small.Train, seen), 50, shuffle: false, seed: 0);
            foreach (Batch batch in new PrefetchingLoader(loader).Batches(0, false)) batch.Dispose();

            Assert.NotEmpty(seen);
            Assert.All(seen, count => Assert.Equal(1, count));
            Assert.Equal(2, torch.get_num_threads());
            // What the worker would have had: a new thread takes the process's count.
            int plain = 0;
            var thread = new Thread(() => plain = torch.get_num_threads());
            thread.Start();
            thread.Join();
            Assert.Equal(2, plain);
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    private sealed class ThreadCountRecorder(IMultimodalDataset inner, ConcurrentBag<int> seen) : IMultimodalDataset
    {
        public IReadOnlyList<ModalitySpec> Modalities => inner.Modalities;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public TaskKind Task => inner.Task;
        public int Count => inner.Count;

        public int LabelOf(int index) => inner.LabelOf(index);

        public Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation)
        {
            seen.Add(torch.get_num_threads());
            return inner.GetBatch(indices, augmentation);
        }
    }

    private static void AssertSameBatches(List<Batch> expected, IEnumerable<Batch> actual)
    {
        int count = 0;
        foreach (Batch batch in actual)
        {
            using Batch fetched = batch;
            Assert.True(count < expected.Count, "more batches than expected");
            using Batch reference = expected[count];
            Assert.Equal(reference.Labels.data<long>().ToArray(), fetched.Labels.data<long>().ToArray());
            for (int m = 0; m < reference.Inputs.Count; m++) Assert.True(reference.Inputs[m].equal(fetched.Inputs[m]).all().item<bool>());
            count++;
        }
        Assert.Equal(expected.Count, count);
    }
}
