using Equimodal.Data;
using Equimodal.Tasks;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Modality dropout: during training each modality is made absent (its embedding zeroed, <see cref="Models.MissingModality"/>), per sample, with probability p before fusion,
/// so the head cannot lean on one modality alone and every encoder must be useful by itself. A sample never loses all its
/// modalities: when every one was drawn to drop, one of them, chosen uniformly, is kept. Evaluation uses all modalities.
/// </summary>
[Method("modality-dropout", "Zeroes each modality's embedding with probability p during training (never all of a sample's).", Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
public sealed class ModalityDropoutMethod : TrainingMethod
{
    /// <summary>Creates the method; option p (default 0.25) is the drop probability of each modality.</summary>
    public ModalityDropoutMethod(MethodSettings settings)
    {
        Probability = settings.Number("p", 0.25, 0, 1, "probability of dropping each modality of a sample");
    }


    /// <summary>Not exact: every rank would draw its masks from the same generator state, so ranks would drop modalities in step rather than independently.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Unsupported("modality-dropout draws its masks from each rank's generator, which all ranks share, so data-parallel masks would not be those of one process.");

    /// <summary>Probability of dropping each modality of a sample.</summary>
    public double Probability { get; }

    /// <summary>
    /// A keep mask [samples, modalities] of 0/1 values: each entry is 0 with probability <paramref name="probability"/>,
    /// and a row that came out all zeros gets a 1 at a uniformly chosen modality. Uses the global torch generator (seeded by the trainer).
    /// </summary>
    public static Tensor KeepMask(long samples, int modalities, double probability, Device? device = null)
    {
        using var scope = NewDisposeScope();
        Tensor keep = rand(new[] { samples, (long)modalities }, device: device).ge(Held(probability)).to(float32);
        Tensor emptyRows = keep.sum(dim: 1).eq(Held(0)).to(float32).unsqueeze(1);
        Tensor rescued = nn.functional.one_hot(randint(modalities, new[] { samples }, device: device), modalities).to(float32);
        return keep.add(emptyRows * rescued, One).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Tensor[] embeddings = Context.Model.Encode(batch.Inputs);
        Tensor keep = KeepMask(batch.Labels.shape[0], embeddings.Length, Probability, Context.Device);
        Tensor logits = Context.Model.Fuse(embeddings, presence: keep);
        return new StepOutput(Context.Task.Loss(logits, batch.Labels), logits);
    }
}
