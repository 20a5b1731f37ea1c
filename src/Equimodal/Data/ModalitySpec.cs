namespace Equimodal.Data;

/// <summary>Name, kind and per-sample shape (without the batch dimension) of one modality.</summary>
/// <param name="Name">Modality name used on the command line and in reports, e.g. "audio".</param>
/// <param name="Kind">Signal kind.</param>
/// <param name="Shape">Per-sample tensor shape.</param>
public sealed record ModalitySpec(string Name, ModalityKind Kind, long[] Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind}, {string.Join("x", Shape)})";
}
