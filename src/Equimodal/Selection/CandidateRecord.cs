namespace Equimodal.Selection;

/// <summary>A candidate row and where it stopped.</summary>
public sealed record CandidateRecord : RowRecord
{
    /// <summary>The last rung (0-based) it was compared in; it was cut there unless it won.</summary>
    public int LastRung { get; init; }
}
