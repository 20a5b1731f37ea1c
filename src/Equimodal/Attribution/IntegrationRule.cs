namespace Equimodal.Attribution;

/// <summary>Quadrature rule for the path integral of Integrated Gradients over alpha in [0, 1].</summary>
public enum IntegrationRule
{
    /// <summary>Left Riemann sum: alpha = k/n, k = 0..n-1.</summary>
    RiemannLeft,

    /// <summary>Right Riemann sum: alpha = k/n, k = 1..n.</summary>
    RiemannRight,

    /// <summary>Midpoint rule: alpha = (k + 1/2)/n.</summary>
    RiemannMiddle,

    /// <summary>Trapezoid rule on n points including both ends (weights 1/(n-1), halved at the ends).</summary>
    RiemannTrapezoid,

    /// <summary>Gauss-Legendre quadrature with n nodes (exact for polynomials of degree 2n-1).</summary>
    GaussLegendre,
}
