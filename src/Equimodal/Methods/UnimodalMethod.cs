using Equimodal.Data;
using Equimodal.Training;

namespace Equimodal.Methods;

/// <summary>A single-modality model ("audio-only", "visual-only", or "NAME-only" for any modality NAME).</summary>
public sealed class UnimodalMethod : TrainingMethod
{
    /// <summary>Suffix that marks a unimodal method name.</summary>
    public const string Suffix = "-only";

    /// <summary>Creates the method for <paramref name="modality"/>.</summary>
    public UnimodalMethod(string modality, Training.MethodSettings settings)
    {
        Modality = modality;
        settings.RejectUnknown(Name);
    }

    /// <summary>The modality this model reads.</summary>
    public string Modality { get; }

    /// <inheritdoc />
    public override string Name => Modality + Suffix;

    /// <summary>Exact: one cross-entropy, averaged gradients.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;

    /// <inheritdoc />
    public override IReadOnlyList<int> SelectModalities(IReadOnlyList<ModalitySpec> modalities)
    {
        return ModalityBinding.Indices(modalities, new[] { Modality }, $"Method '{Name}'");
    }
}
