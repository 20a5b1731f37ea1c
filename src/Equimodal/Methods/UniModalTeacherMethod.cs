using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Uni-Modal Teacher (UMT), Du et al., "On Uni-Modal Feature Learning in Supervised Multi-Modal Learning", ICML 2023.
/// Before the first epoch, one unimodal model per modality is trained by a nested <see cref="Trainer"/> with the run's
/// options (the same training split and seed, <c>teacher-epochs</c> epochs, its best-validation weights kept) and frozen.
/// The multimodal model is then trained on CE(fused) + distill · Σ_m MSE(h_m, t_m), h_m being modality m's encoder output
/// and t_m its frozen teacher's, so each encoder keeps learning the features its modality supports on its own.
/// The teachers are part of the method state, so a resumed run reuses them instead of training them again; torch's
/// generator is restored after teacher training, so the student's randomness does not depend on it.
/// </summary>
[Method("umt", "Uni-Modal Teacher (ICML 2023): trains unimodal teachers first, then pulls each encoder's features toward its frozen teacher's.")]
public sealed class UniModalTeacherMethod : TrainingMethod
{
    private const string StatePrefix = "umt.";

    private readonly int _teacherEpochs;
    private MultimodalClassifier[]? _teachers;

    /// <summary>Creates the method; options distill (weight of the feature loss, default 1) and teacher-epochs (default -1: the run's epochs).</summary>
    public UniModalTeacherMethod(MethodSettings settings)
    {
        Distill = settings.Number("distill", 1, 0, 1e6);
        _teacherEpochs = settings.Integer("teacher-epochs", -1, -1, int.MaxValue);
        settings.RejectUnknown(Name);
        if (_teacherEpochs == 0) throw new ArgumentException("Method option teacher-epochs=0 is invalid: teachers need at least one epoch (or -1 for the run's epochs).");
    }

    /// <inheritdoc />
    public override string Name => "umt";

    /// <summary>Not supported: the teachers are trained by a nested single-process trainer.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Unsupported("umt trains its teachers with a nested single-process trainer, which does not shard or average.");

    /// <summary>Weight of the feature distillation loss.</summary>
    public double Distill { get; }

    /// <summary>Epochs each teacher trains for (the run's epochs unless option teacher-epochs is set; available after Setup).</summary>
    public int TeacherEpochs => _teacherEpochs > 0 ? _teacherEpochs : Context.Options.Epochs;

    /// <summary>The frozen teachers, one single-modality model per modality in model order (empty until trained or loaded).</summary>
    public IReadOnlyList<MultimodalClassifier> Teachers => _teachers ?? Array.Empty<MultimodalClassifier>();

    /// <summary>Wall-clock seconds spent training the teachers in this process (0 when they were restored from a checkpoint).</summary>
    public double TeacherSeconds { get; private set; }

    /// <summary>Σ_m mean((student_m - teacher_m)²): the feature distillation loss, gradients flowing into the student only.</summary>
    public static Tensor DistillationLoss(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher)
    {
        if (student.Count != teacher.Count) throw new ArgumentException($"{student.Count} student embeddings but {teacher.Count} teacher embeddings.");
        Tensor loss = zeros(1, device: student[0].device).sum();
        for (int m = 0; m < student.Count; m++) loss = loss + nn.functional.mse_loss(student[m], teacher[m].detach());
        return loss;
    }

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        if (context.ModelOptions is null) throw new InvalidOperationException("Method 'umt' needs the model options to build its teachers.");
        base.Setup(context);
        DisposeTeachers();
    }

    /// <summary>Trains the teachers before the first epoch of a fresh run (a resumed run has them from <see cref="LoadState"/>).</summary>
    public override void OnEpochStart(int epoch)
    {
        if (_teachers is not null) return;
        var clock = Stopwatch.StartNew();
        using Tensor generator = get_rng_state();
        TrainingOptions options = Context.Options with { Epochs = TeacherEpochs, Encoders = Array.Empty<EncoderTransfer>(), InitWeights = null, CheckpointEverySteps = 0 };
        _teachers = Context.ModalityIndices.Select(index =>
        {
            var trainer = new Trainer(options, Context.ModelOptions!);
            trainer.Fit(new UnimodalMethod(Context.Splits.Modalities[index].Name, new MethodSettings()), Context.Splits);
            return Freeze(trainer.Model!);
        }).ToArray();
        set_rng_state(generator);
        TeacherSeconds = clock.Elapsed.TotalSeconds;
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        ModelOutput output = Context.Model.Forward(batch.Inputs);
        Tensor loss = nn.functional.cross_entropy(output.Logits, batch.Labels) + Distillation(output.Embeddings, batch) * Distill;
        return new StepOutput(loss, output.Logits);
    }

    /// <summary>The unweighted distillation loss of the student's embeddings against the teachers' on <paramref name="batch"/>.</summary>
    public Tensor Distillation(IReadOnlyList<Tensor> studentEmbeddings, Batch batch)
    {
        MultimodalClassifier[] teachers = _teachers ?? throw new InvalidOperationException("The umt teachers are not trained yet (OnEpochStart trains them).");
        Tensor[] targets;
        using (no_grad()) targets = teachers.Select((teacher, m) => teacher.Encode(new[] { batch.Inputs[m] })[0]).ToArray();
        return DistillationLoss(studentEmbeddings, targets);
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        foreach (MultimodalClassifier teacher in Teachers)
            foreach (var (key, value) in teacher.state_dict()) state[StatePrefix + key] = value;
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.Keys.Any(k => k.StartsWith(StatePrefix, StringComparison.Ordinal))) return;
        DisposeTeachers();
        _teachers = Context.ModalityIndices.Select(index =>
        {
            var teacher = ModelFactory.Create(new[] { Context.Splits.Modalities[index] }, Context.Splits.ClassNames.Count, Context.ModelOptions!);
            Dictionary<string, Tensor> weights = teacher.state_dict().Keys.ToDictionary(k => k, k => state[StatePrefix + k]);
            using (no_grad()) teacher.load_state_dict(weights);
            teacher.to(Context.Device);
            return Freeze(teacher);
        }).ToArray();
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() => new Dictionary<string, double> { ["umt.teacher-seconds"] = TeacherSeconds };

    private static MultimodalClassifier Freeze(MultimodalClassifier teacher)
    {
        foreach (var parameter in teacher.parameters()) parameter.requires_grad = false;
        teacher.eval();
        return teacher;
    }

    private void DisposeTeachers()
    {
        foreach (MultimodalClassifier teacher in Teachers) teacher.Dispose();
        _teachers = null;
    }
}
