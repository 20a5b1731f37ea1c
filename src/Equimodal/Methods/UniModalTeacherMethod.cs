using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using Equimodal.Training;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Uni-Modal Teacher (UMT), Du et al., "On Uni-Modal Feature Learning in Supervised Multi-Modal Learning", ICML 2023.
/// Before the first epoch, one unimodal model per modality is trained and frozen (<see cref="UnimodalTeachers"/>:
/// a nested <see cref="Trainer"/> with the run's options, <c>teacher-epochs</c> epochs, best-validation weights kept).
/// The multimodal model is then trained on CE(fused) + distill · Σ_m MSE(h_m, t_m), h_m being modality m's encoder output
/// and t_m its frozen teacher's, so each encoder keeps learning the features its modality supports on its own.
/// The teachers are part of the method state, so a resumed run reuses them instead of training them again.
/// </summary>
[Method("umt", "Uni-Modal Teacher (ICML 2023): trains unimodal teachers first, then pulls each encoder's features toward its frozen teacher's.", Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
public sealed class UniModalTeacherMethod : TrainingMethod
{
    private readonly UnimodalTeachers _teachers;

    /// <summary>Creates the method; options distill (weight of the feature loss, default 1) and teacher-epochs (default -1: the run's epochs).</summary>
    public UniModalTeacherMethod(MethodSettings settings)
    {
        Distill = settings.Number("distill", 1, 0, 1e6, "weight of the feature distillation loss");
        _teachers = new UnimodalTeachers("umt.", UnimodalTeachers.EpochsOption(settings));
    }

    /// <summary>Not supported: the teachers are trained by a nested single-process trainer.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Unsupported("umt trains its teachers with a nested single-process trainer, which does not shard or average.");

    /// <summary>Weight of the feature distillation loss.</summary>
    public double Distill { get; }

    /// <summary>Epochs each teacher trains for (the run's epochs unless option teacher-epochs is set; available after Setup).</summary>
    public int TeacherEpochs => _teachers.Epochs(Context.Options);

    /// <summary>The frozen teachers, one single-modality model per modality in model order (empty until trained or loaded).</summary>
    public IReadOnlyList<MultimodalClassifier> Teachers => _teachers.Models;

    /// <summary>Wall-clock seconds spent training the teachers in this process (0 when they were restored from a checkpoint).</summary>
    public double TeacherSeconds => _teachers.Seconds;

    /// <summary>Σ_m mean((student_m - teacher_m)²): the feature distillation loss, gradients flowing into the student only.</summary>
    public static Tensor DistillationLoss(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher) => UnimodalTeachers.DistillationLoss(student, teacher);

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        UnimodalTeachers.CheckContext(context, "umt");
        base.Setup(context);
        _teachers.Dispose();
    }

    /// <summary>Trains the teachers before the first epoch of a fresh run (a resumed run has them from <see cref="LoadState"/>).</summary>
    public override void OnEpochStart(int epoch) => _teachers.Train(Context);

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        ModelOutput output = Context.Model.Forward(batch.Inputs);
        Tensor loss = Context.Task.Loss(output.Logits, batch.Labels).add(Distillation(output.Embeddings, batch) * Held(Distill), One);
        return new StepOutput(loss, output.Logits);
    }

    /// <summary>The unweighted distillation loss of the student's embeddings against the teachers' on <paramref name="batch"/>.</summary>
    public Tensor Distillation(IReadOnlyList<Tensor> studentEmbeddings, Batch batch) => _teachers.Distillation(studentEmbeddings, batch);

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state) => _teachers.Save(state);

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state) => _teachers.Load(Context, state);

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() => new Dictionary<string, double> { ["umt.teacher-seconds"] = TeacherSeconds };
}
