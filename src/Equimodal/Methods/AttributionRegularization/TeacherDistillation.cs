using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Tasks;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// Option teacher-weight: UMT's feature distillation toward unimodal teachers trained before the first epoch
/// (<see cref="UnimodalTeachers"/>, saved under attr-reg.teachers.).
/// </summary>
public sealed class TeacherDistillation : AddedLoss, IDisposable
{
    private readonly double _weight;

    /// <summary>Teachers trained for <paramref name="epochs"/> epochs (-1: the run's), their term weighted by <paramref name="weight"/>.</summary>
    public TeacherDistillation(double weight, int epochs)
    {
        _weight = weight;
        Teachers = new UnimodalTeachers("attr-reg.teachers.", epochs);
    }

    /// <summary>The teachers.</summary>
    public UnimodalTeachers Teachers { get; }

    /// <inheritdoc />
    public override Tensor AddTo(Tensor loss, ModelOutput output, Batch batch, PredictionTask task) => loss.add(Teachers.Distillation(output.Embeddings, batch) * Held(_weight), One);

    /// <inheritdoc />
    public void Dispose() => Teachers.Dispose();
}
