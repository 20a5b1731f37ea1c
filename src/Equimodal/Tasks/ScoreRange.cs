using System.Globalization;

namespace Equimodal.Tasks;

/// <summary>
/// The range of a sentiment-like score, such as CMU-MOSI's [-3, 3]: with it a regression task also reports the binary
/// and the (High - Low + 1)-class accuracies of that literature (docs/tasks.md). The bounds are integers, Low below 0
/// below High, since the binary accuracy splits at 0 and the class accuracy rounds to the integers of the range.
/// </summary>
/// <param name="Low">Lowest score; predictions and targets below it are clipped to it.</param>
/// <param name="High">Highest score; predictions and targets above it are clipped to it.</param>
public sealed record ScoreRange(int Low, int High)
{
    /// <summary>Name of the binary accuracy over every sample (negative against non-negative).</summary>
    public const string BinaryName = "acc-2";

    /// <summary>Name of the binary accuracy over the samples whose target is not 0 (negative against positive).</summary>
    public const string NonZeroBinaryName = "acc-2-nonzero";

    /// <summary>Number of integer scores in the range, the classes of <see cref="ClassAccuracyName"/>: 7 for [-3, 3].</summary>
    public int Classes => High - Low + 1;

    /// <summary>Name of the class accuracy: "acc-7" for [-3, 3], "acc-5" for [-2, 2].</summary>
    public string ClassAccuracyName => string.Create(CultureInfo.InvariantCulture, $"acc-{Classes}");

    /// <summary>Throws when the bounds are not Low &lt; 0 &lt; High.</summary>
    public void Validate()
    {
        if (!(Low < 0 && High > 0))
            throw new ArgumentException($"The score range must hold 0 strictly inside (LOW < 0 < HIGH, e.g. -3,3), got {Low},{High}: the binary accuracy splits scores at 0.");
    }

    /// <summary>Reads "LOW,HIGH" (integers, e.g. "-3,3"); anything else is an error that shows the form.</summary>
    public static ScoreRange Parse(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int low)
            || !int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int high))
            throw new ArgumentException($"A score range is two integers LOW,HIGH such as -3,3, got '{text}'.");
        var range = new ScoreRange(low, high);
        range.Validate();
        return range;
    }
}
