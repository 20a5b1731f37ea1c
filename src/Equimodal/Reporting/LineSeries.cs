namespace Equimodal.Reporting;

/// <summary>One line of a <see cref="LineChart"/>.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">Horizontal positions (epochs).</param>
/// <param name="Y">Values.</param>
/// <param name="Colour">Index of the line's colour in <see cref="Palette"/> (its group's position, so a group without values shifts no colour).</param>
public sealed record LineSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, int Colour);
