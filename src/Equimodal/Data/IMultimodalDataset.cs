namespace Equimodal.Data;

/// <summary>A labelled set of multimodal samples that the trainer and evaluator read by index.</summary>
public interface IMultimodalDataset
{
    /// <summary>The modalities, in the order of <see cref="Batch.Inputs"/>.</summary>
    IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <summary>Class names; a label is an index into this list.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>The label of sample <paramref name="index"/>, without loading its inputs.</summary>
    int LabelOf(int index);

    /// <summary>
    /// Loads the samples at <paramref name="indices"/> as one batch, augmented as <paramref name="augmentation"/> says.
    /// May be called from a loader's worker thread: it must draw randomness only from <paramref name="augmentation"/>
    /// (never from torch's global generator or state kept between calls), so batches do not depend on the thread or call order.
    /// </summary>
    Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation);
}
