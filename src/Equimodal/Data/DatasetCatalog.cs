namespace Equimodal.Data;

/// <summary>Which dataset to load and how: the part of a run's configuration that names its data.</summary>
public sealed record DatasetRequest
{
    /// <summary>Dataset name (see <see cref="DatasetCatalog.Names"/>).</summary>
    public string Name { get; init; } = "synthetic";

    /// <summary>Folder of the data on disk, for datasets read from files.</summary>
    public string? Path { get; init; }

    /// <summary>Generator settings of the synthetic benchmark.</summary>
    public SyntheticOptions Synthetic { get; init; } = new();
}

/// <summary>Loads datasets by name into train/validation/test splits.</summary>
public static class DatasetCatalog
{
    /// <summary>Valid dataset names.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "synthetic" };

    /// <summary>Throws a clear error when the request names no known dataset or lacks a path it needs.</summary>
    public static void Validate(DatasetRequest request)
    {
        if (!Names.Contains(request.Name))
            throw new ArgumentException($"Unknown dataset '{request.Name}'. Valid datasets: {string.Join(", ", Names)}.");
        if (request.Name == "synthetic") request.Synthetic.Validate();
    }

    /// <summary>Loads the requested dataset.</summary>
    public static DatasetSplits Load(DatasetRequest request)
    {
        Validate(request);
        return request.Name switch
        {
            _ => SyntheticAudioVisual.Generate(request.Synthetic),
        };
    }
}
