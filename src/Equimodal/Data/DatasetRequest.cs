using Equimodal.Data.Datasets;

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

    /// <summary>Settings of the datasets read from files (bad-sample policy, spectrogram, frames, validation split).</summary>
    public DataLoadingOptions Files { get; init; } = new();

    /// <summary>Knobs of the AV-Digits benchmark.</summary>
    public AvDigitsOptions AvDigits { get; init; } = new();
}
