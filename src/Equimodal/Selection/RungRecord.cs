namespace Equimodal.Selection;

/// <summary>One decided rung.</summary>
/// <param name="Rung">0-based rung.</param>
/// <param name="Epochs">Epochs its candidates had trained when compared.</param>
/// <param name="Ranking">Its candidates best first, with their validation accuracy and failure gap.</param>
/// <param name="Kept">Candidates continuing to the next rung (the winner after the last rung).</param>
public sealed record RungRecord(int Rung, int Epochs, IReadOnlyList<CandidateScore> Ranking, IReadOnlyList<string> Kept);
