namespace Equimodal.Models;

/// <summary>Creates fusion heads by name.</summary>
public static class FusionFactory
{
    /// <summary>Valid fusion names.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "concat", "sum", "film", "gated", "attention", "shared", "cosine", "mmtm" };

    /// <summary>Creates the fusion head <paramref name="name"/>.</summary>
    public static FusionHead Create(string name, IReadOnlyList<long> embeddingSizes, int classes, long hiddenSize) => name switch
    {
        "concat" => new ConcatFusion(embeddingSizes, classes),
        "sum" => new SumFusion(embeddingSizes, classes),
        "film" => new FilmFusion(embeddingSizes, classes, hiddenSize),
        "gated" => new GatedFusion(embeddingSizes, classes, hiddenSize),
        "attention" => new AttentionFusion(embeddingSizes, classes, hiddenSize),
        "shared" => new SharedHeadFusion(embeddingSizes, classes, hiddenSize),
        "cosine" => new CosineFusion(embeddingSizes, classes),
        "mmtm" => new MmtmFusion(embeddingSizes, classes),
        _ => throw new ArgumentException($"Unknown fusion '{name}'. Valid fusions: {string.Join(", ", Names)}."),
    };
}
