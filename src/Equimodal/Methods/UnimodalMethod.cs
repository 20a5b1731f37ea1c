using Equimodal.Data;

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

    /// <inheritdoc />
    public override IReadOnlyList<int> SelectModalities(IReadOnlyList<ModalitySpec> modalities)
    {
        int index = modalities.Select(m => m.Name).ToList().IndexOf(Modality);
        if (index < 0)
            throw new ArgumentException($"Method '{Name}' needs modality '{Modality}', but the dataset has {string.Join(", ", modalities.Select(m => m.Name))}.");
        return new[] { index };
    }
}
