namespace Equimodal.Reporting;

/// <summary>
/// The Okabe-Ito palette (Okabe and Ito 2008): eight colours that stay distinguishable with the common forms of colour
/// blindness; the report and the PNG plots take series colours from it, in this order, and repeat it with another dash
/// pattern past eight series.
/// </summary>
public static class Palette
{
    /// <summary>Blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow (as #RRGGBB).</summary>
    public static IReadOnlyList<string> OkabeIto { get; } = new[] { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442" };

    /// <summary>The colour of series <paramref name="index"/>.</summary>
    public static string Colour(int index) => OkabeIto[index % OkabeIto.Count];

    /// <summary>SVG stroke-dasharray of each dash pattern (null: solid): solid, dashed, dotted, dash-dot.</summary>
    public static IReadOnlyList<string?> DashArrays { get; } = new[] { null, "7 4", "2 3", "8 3 2 3" };

    /// <summary>The dash pattern (index into <see cref="DashArrays"/>) of line <paramref name="index"/>: in turn, shifted past eight lines so that a repeated colour gets another pattern.</summary>
    public static int Dash(int index) => (index + index / OkabeIto.Count) % DashArrays.Count;
}
