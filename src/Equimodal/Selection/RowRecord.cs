
namespace Equimodal.Selection;

/// <summary>A trained row: its name, what it trains, its folder and its validation accuracy after every epoch trained.</summary>
public record RowRecord
{
    /// <summary>Row name.</summary>
    public string Name { get; init; } = "";

    /// <summary>"method key=value ...": what the row trains.</summary>
    public string Trains { get; init; } = "";

    /// <summary>Run folder, relative to the selection folder.</summary>
    public string RunFolder { get; init; } = "";

    /// <summary>Epochs trained so far.</summary>
    public int Epochs { get; init; }

    /// <summary>Validation accuracy after each epoch trained.</summary>
    public IReadOnlyList<double> ValidationCurve { get; init; } = Array.Empty<double>();
}
