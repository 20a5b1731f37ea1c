namespace Equimodal.Data.Datasets;

/// <summary>
/// What loading a dataset left out and why: skipped bad samples and notices such as missing clips. Meant for the
/// console and for results.json, so no sample is lost silently.
/// </summary>
public sealed record LoadReport
{
    /// <summary>A report with nothing to say.</summary>
    public static LoadReport Empty { get; } = new();

    /// <summary>Bad samples that were skipped.</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; init; } = Array.Empty<SkippedSample>();

    /// <summary>One-line notices, e.g. how many listed clips have no files.</summary>
    public IReadOnlyList<string> Notices { get; init; } = Array.Empty<string>();

    /// <summary>Number of skipped samples.</summary>
    public int SkippedCount => Skipped.Count;

    /// <summary>Lines for the console: the notices, then the skip count and each reason.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (string notice in Notices) yield return notice;
        if (Skipped.Count == 0) yield break;
        yield return $"Skipped {Skipped.Count} bad sample(s):";
        foreach (SkippedSample s in Skipped) yield return $"  {s.Id}: {s.Reason}";
    }
}
