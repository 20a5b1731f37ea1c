
namespace Equimodal.Selection;

/// <summary>Where a selection stands: the stage to work on, its jobs (in a stable order, done or not) and what was decided.</summary>
/// <param name="Name">"rung K", "final" or "complete".</param>
/// <param name="Jobs">Every job of the stage; <see cref="MethodSelection.IsDone"/> tells the finished ones.</param>
/// <param name="Decided">Rungs decided so far.</param>
/// <param name="Winner">The selected candidate, once the last rung is decided.</param>
/// <param name="Reason">Why, in plain words.</param>
public sealed record SelectionStage(string Name, IReadOnlyList<SelectionJob> Jobs, IReadOnlyList<RungRecord> Decided, string? Winner, string? Reason);
