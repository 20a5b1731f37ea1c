using Equimodal.Tasks;

namespace Equimodal.Data;

/// <summary>A labelled set of multimodal samples that the trainer and evaluator read by index.</summary>
public interface IMultimodalDataset
{
    /// <summary>The modalities, in the order of <see cref="Batch.Inputs"/>.</summary>
    IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <summary>
    /// Output names: the classes (a label is an index into this list), the labels of a multi-label task (columns of the
    /// multi-hot label) or the targets of a regression task (columns of the target values).
    /// </summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>What the labels are (see <see cref="Batch.Labels"/>). Every dataset states it (no default), so that a view of a dataset cannot silently turn its task into classification.</summary>
    TaskKind Task { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>The class of sample <paramref name="index"/>, without loading its inputs; 0 for tasks without classes (one stratum when splitting).</summary>
    int LabelOf(int index);

    /// <summary>
    /// Loads the samples at <paramref name="indices"/> as one batch, augmented as <paramref name="augmentation"/> says.
    /// May be called from a loader's worker thread: it must draw randomness only from <paramref name="augmentation"/>
    /// (never from torch's global generator or state kept between calls), so batches do not depend on the thread or call order.
    /// </summary>
    Batch GetBatch(IReadOnlyList<int> indices, Augmentation augmentation);
}
