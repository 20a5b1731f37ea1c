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
}
