using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// Frozen unimodal teachers and their feature distillation loss, as Uni-Modal Teacher (UMT, ICML 2023) trains them;
/// shared by <see cref="UniModalTeacherMethod"/> and attr-reg's option teacher-weight. Before the first epoch, one unimodal
/// model per modality is trained by a nested <see cref="Trainer"/> with the run's options (the same training split and
/// seed, the given epochs, its best-validation weights kept) and frozen. The teachers are part of the method state under
/// a prefix, so a resumed run reuses them; torch's generator is restored after teacher training, so the student's
/// randomness does not depend on it.
/// </summary>
public sealed class UnimodalTeachers : IDisposable
{
    private readonly string _statePrefix;
    private readonly int _epochs;
    private MultimodalClassifier[]? _teachers;

    /// <summary>Creates untrained teachers saved under <paramref name="statePrefix"/>; <paramref name="epochs"/> -1 means the run's epochs.</summary>
    public UnimodalTeachers(string statePrefix, int epochs)
    {
        if (epochs == 0 || epochs < -1) throw new ArgumentException($"Teacher epochs must be at least 1 (or -1 for the run's epochs), got {epochs}.");
        _statePrefix = statePrefix;
        _epochs = epochs;
    }

    /// <summary>Reads the method option teacher-epochs (default -1: the run's epochs).</summary>
    public static int EpochsOption(MethodSettings settings)
    {
        int epochs = settings.Integer("teacher-epochs", -1, -1, int.MaxValue, "epochs of teacher training (-1: as many as the run)");
        if (epochs == 0) throw new ArgumentException("Method option teacher-epochs=0 is invalid: teachers need at least one epoch (or -1 for the run's epochs).");
        return epochs;
    }

    /// <summary>The frozen teachers, one single-modality model per modality in model order (empty until trained or loaded).</summary>
    public IReadOnlyList<MultimodalClassifier> Models => _teachers ?? Array.Empty<MultimodalClassifier>();

    /// <summary>Wall-clock seconds spent training the teachers in this process (0 when they were restored from a checkpoint).</summary>
    public double Seconds { get; private set; }

    /// <summary>Epochs each teacher trains for in a run with <paramref name="options"/>.</summary>
    public int Epochs(TrainingOptions options) => _epochs > 0 ? _epochs : options.Epochs;

    /// <summary>Checks that the context can build teachers; called from the method's Setup.</summary>
    public static void CheckContext(MethodContext context, string method)
    {
        if (context.ModelOptions is null) throw new InvalidOperationException($"Method '{method}' needs the model options to build its teachers.");
    }

    /// <summary>Trains the teachers unless they exist (a resumed run has them from <see cref="Load"/>).</summary>
    public void Train(MethodContext context)
    {
        if (_teachers is not null) return;
        var clock = Stopwatch.StartNew();
        using Tensor generator = get_rng_state();
        TrainingOptions options = context.Options with { Epochs = Epochs(context.Options), Encoders = Array.Empty<EncoderTransfer>(), InitWeights = null, CheckpointEverySteps = 0 };
        _teachers = context.Splits.Modalities.Select(modality =>
        {
            var trainer = new Trainer(options, context.ModelOptions!, new TeacherProgress(context.Inform, modality.Name));
            trainer.Fit(new UnimodalMethod(modality.Name, new MethodSettings()), context.Splits);
            return Freeze(trainer.Model!);
        }).ToArray();
        set_rng_state(generator);
        Seconds = clock.Elapsed.TotalSeconds;
    }

    // One line per teacher epoch: the teacher phase runs before the run's first epoch and may be long.
    private sealed class TeacherProgress(Action<string> inform, string modality) : ITrainingObserver
    {
        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
        }

        public void OnEpochEnd(EpochRecord record, int epochs) => inform(ProgressLine(modality, record, epochs));
    }

    /// <summary>
    /// The line a teacher's epoch logs: its validation main metric by name, accuracy in percent, another task's metric
    /// (CCC, mAP) as a plain number.
    /// </summary>
    public static string ProgressLine(string modality, EpochRecord record, int epochs)
    {
        var validation = record.Validation;
        string score = validation.MainMetric == "accuracy"
            ? FormattableString.Invariant($"validation accuracy {100 * validation.Accuracy:F1}%")
            : FormattableString.Invariant($"validation {validation.MainMetric} {validation.Accuracy:F3}");
        return FormattableString.Invariant($"{modality} teacher: epoch {record.Epoch}/{epochs}, {score}, {record.TrainSeconds:F1} s");
    }

    /// <summary>Σ_m mean((student_m - teacher_m)²): the feature distillation loss, gradients flowing into the student only.</summary>
    public static Tensor DistillationLoss(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher)
    {
        if (student.Count != teacher.Count) throw new ArgumentException($"{student.Count} student embeddings but {teacher.Count} teacher embeddings.");
        Tensor loss = zeros(1, device: student[0].device).sum();
        for (int m = 0; m < student.Count; m++) loss = loss.add(nn.functional.mse_loss(student[m], teacher[m].detach()), One);
        return loss;
    }

    /// <summary>The unweighted distillation loss of the student's embeddings against the teachers' on <paramref name="batch"/>.</summary>
    public Tensor Distillation(IReadOnlyList<Tensor> studentEmbeddings, Batch batch)
    {
        MultimodalClassifier[] teachers = _teachers ?? throw new InvalidOperationException("The unimodal teachers are not trained yet (the method's OnEpochStart trains them).");
        Tensor[] targets;
        using (no_grad()) targets = teachers.Select((teacher, m) => teacher.Encode(new[] { batch.Inputs[m] })[0]).ToArray();
        return DistillationLoss(studentEmbeddings, targets);
    }

    /// <summary>Adds the teachers' weights to the method state.</summary>
    public void Save(IDictionary<string, Tensor> state)
    {
        foreach (MultimodalClassifier teacher in Models)
            foreach (var (key, value) in teacher.state_dict()) state[_statePrefix + key] = value;
    }

    /// <summary>Restores the teachers from the method state, if it has them.</summary>
    public void Load(MethodContext context, IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.Keys.Any(k => k.StartsWith(_statePrefix, StringComparison.Ordinal))) return;
        Dispose();
        _teachers = context.Splits.Modalities.Select(modality =>
        {
            var teacher = ModelFactory.Create(new[] { modality }, context.Splits.ClassNames.Count, context.ModelOptions!);
            Dictionary<string, Tensor> weights = teacher.state_dict().Keys.ToDictionary(k => k, k => state[_statePrefix + k]);
            using (no_grad()) teacher.load_state_dict(weights);
            teacher.to(context.Device);
            return Freeze(teacher);
        }).ToArray();
    }

    /// <summary>Disposes the teachers (they are trained again or loaded on next use).</summary>
    public void Dispose()
    {
        foreach (MultimodalClassifier teacher in Models) teacher.Dispose();
        _teachers = null;
    }

    private static MultimodalClassifier Freeze(MultimodalClassifier teacher)
    {
        foreach (var parameter in teacher.parameters()) parameter.requires_grad = false;
        teacher.eval();
        return teacher;
    }
}
