using Equimodal.Data;

namespace Equimodal.Tests.Data;

/// <summary>Two vector modalities of the same size, so that inputs swapped by a wrong binding would still fit the model.</summary>
public static class VectorSpecs
{
    /// <summary>"audio": 3 features.</summary>
    public static ModalitySpec Audio { get; } = new("audio", ModalityKind.Vector, new long[] { 3 });

    /// <summary>"visual": 3 features.</summary>
    public static ModalitySpec Visual { get; } = new("visual", ModalityKind.Vector, new long[] { 3 });
}
