using Equimodal.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Data;

public class ModalityBindingTests
{
    // Sample i: audio [i, 10 i], depth [100 i], visual [i, i, -i]; label i % 2. Inputs listed as visual, depth, audio.
    private static TensorDataset VisualDepthAudio(int samples = 4)
    {
        float[] i = Enumerable.Range(0, samples).Select(x => (float)x).ToArray();
        Tensor audio = tensor(i.SelectMany(x => new[] { x, 10 * x }).ToArray(), new long[] { samples, 2 });
        Tensor depth = tensor(i.Select(x => 100 * x).ToArray(), new long[] { samples, 1 });
        Tensor visual = tensor(i.SelectMany(x => new[] { x, x, -x }).ToArray(), new long[] { samples, 3 });
        Tensor labels = tensor(Enumerable.Range(0, samples).Select(x => (long)(x % 2)).ToArray());
        ModalitySpec[] specs =
        {
            new("visual", ModalityKind.Vector, new long[] { 3 }), new("depth", ModalityKind.Vector, new long[] { 1 }), new("audio", ModalityKind.Vector, new long[] { 2 }),
        };
        return new TensorDataset(specs, new[] { "even", "odd" }, new[] { visual, depth, audio }, labels);
    }

    [Fact]
    public void A_bound_dataset_gives_batches_in_model_order_without_the_inputs_the_model_does_not_read()
    {
        IMultimodalDataset bound = ModalityBinding.Bind(VisualDepthAudio(), new[] { "audio", "visual" }, "The model");
        Assert.Equal(new[] { "audio", "visual" }, bound.Modalities.Select(m => m.Name));
        using Batch batch = bound.GetBatch(new[] { 3, 1 }, Augmentation.None);
        Assert.Equal(2, batch.Inputs.Count);
        Assert.Equal(new float[] { 3, 30, 1, 10 }, batch.Inputs[0].data<float>().ToArray());
        Assert.Equal(new float[] { 3, 3, -3, 1, 1, -1 }, batch.Inputs[1].data<float>().ToArray());
        Assert.Equal(new long[] { 1, 1 }, batch.Labels.data<long>().ToArray());
        Assert.Equal(4, bound.Count);
        Assert.Equal(1, bound.LabelOf(3));
    }

    [Fact]
    public void Binding_a_bound_dataset_selects_from_what_the_first_binding_gives()
    {
        IMultimodalDataset twice = ModalityBinding.Bind(ModalityBinding.Bind(VisualDepthAudio(), new[] { "audio", "depth" }, "first"), new[] { "depth" }, "second");
        using Batch batch = twice.GetBatch(new[] { 2 }, Augmentation.None);
        Assert.Equal(new float[] { 200 }, Assert.Single(batch.Inputs).data<float>().ToArray());
    }

    [Fact]
    public void Data_already_in_model_order_is_not_wrapped()
    {
        TensorDataset data = VisualDepthAudio();
        Assert.Same(data, ModalityBinding.Bind(data, new[] { "visual", "depth", "audio" }, "The model"));
    }

    [Fact]
    public void A_missing_modality_is_named_with_who_needs_it_in_every_split()
    {
        var splits = new DatasetSplits(VisualDepthAudio(), VisualDepthAudio(2), VisualDepthAudio(2));
        var error = Assert.Throws<ArgumentException>(() => ModalityBinding.Bind(splits, new[] { "audio", "lidar" }, "The model of runs/x"));
        Assert.Equal("The model of runs/x needs modality 'lidar', which is not among visual, depth, audio.", error.Message);
        var twice = Assert.Throws<ArgumentException>(() => ModalityBinding.Bind(splits, new[] { "audio", "audio" }, "The model of runs/x"));
        Assert.Equal("The model of runs/x lists a modality twice: audio, audio.", twice.Message);
    }

    [Fact]
    public void Bound_splits_keep_the_load_report_and_the_preprocessing()
    {
        var report = new Equimodal.Data.Datasets.LoadReport { Notices = new[] { "one file skipped" } };
        var splits = new DatasetSplits(VisualDepthAudio(), VisualDepthAudio(2), VisualDepthAudio(2)) { Report = report };
        DatasetSplits bound = ModalityBinding.Bind(splits, new[] { "depth" }, "The model");
        Assert.Same(report, bound.Report);
        Assert.Same(splits.Preprocessing, bound.Preprocessing);
        Assert.Equal(new[] { "depth" }, bound.Validation.Modalities.Select(m => m.Name));
        Assert.Equal(new[] { "depth" }, bound.Test.Modalities.Select(m => m.Name));
    }
}
