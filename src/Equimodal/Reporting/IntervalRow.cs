
namespace Equimodal.Reporting;

/// <summary>One row of an <see cref="IntervalChart"/>: a method's per-seed values, their mean and the 95 % interval of the mean.</summary>
/// <param name="Label">Row label (the method).</param>
/// <param name="Seeds">Seed of each point.</param>
/// <param name="Points">One value per seed.</param>
/// <param name="Mean">Mean of the points.</param>
/// <param name="Low">Lower end of the interval; NaN when the row has none (one seed, or a chart of raw values).</param>
/// <param name="High">Upper end of the interval; NaN when the row has none.</param>
/// <param name="Colour">Index of the row's colour in <see cref="Palette"/>: the method's position in the comparison, the same in every chart.</param>
public sealed record IntervalRow(string Label, IReadOnlyList<int> Seeds, IReadOnlyList<double> Points, double Mean, double Low, double High, int Colour)
{
    /// <summary>Whether the row has an interval.</summary>
    public bool HasInterval => !double.IsNaN(Low);

    /// <summary>A row of paired differences: the per-seed differences, their mean and Student's t interval.</summary>
    public static IntervalRow Of(PairedDifference difference, int colour) =>
        new(difference.Method, difference.Seeds, difference.Differences, difference.Mean, difference.Low, difference.High, colour);
}
