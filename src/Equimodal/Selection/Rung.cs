namespace Equimodal.Selection;

/// <summary>One rung of successive halving: how many candidates train to which epoch of the full schedule.</summary>
/// <param name="Epochs">Epoch of the full schedule the rung's candidates have trained to when they are compared.</param>
/// <param name="Candidates">Candidates compared in the rung.</param>
public sealed record Rung(int Epochs, int Candidates);
