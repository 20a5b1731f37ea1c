namespace Equimodal.Attribution;

/// <summary>Points and weights of each <see cref="IntegrationRule"/> on [0, 1]; the weights of every rule sum to 1.</summary>
public static class IntegrationRules
{
    /// <summary>Names accepted on the command line, in enum order.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre" };

    /// <summary>Parses a command-line name (see <see cref="Names"/>).</summary>
    public static IntegrationRule Parse(string name)
    {
        int index = Names.ToList().IndexOf(name);
        if (index < 0) throw new ArgumentException($"Unknown integration rule '{name}'. Valid rules: {string.Join(", ", Names)}.");
        return (IntegrationRule)index;
    }

    /// <summary>The <paramref name="steps"/> evaluation points alpha in [0, 1] and their weights.</summary>
    public static (double[] Alphas, double[] Weights) PointsAndWeights(IntegrationRule rule, int steps)
    {
        int minimum = rule == IntegrationRule.RiemannTrapezoid ? 2 : 1;
        if (steps < minimum) throw new ArgumentOutOfRangeException(nameof(steps), $"{rule} needs at least {minimum} steps, got {steps}.");
        double[] uniform = Enumerable.Repeat(1.0 / steps, steps).ToArray();
        return rule switch
        {
            IntegrationRule.RiemannLeft => (Enumerable.Range(0, steps).Select(k => (double)k / steps).ToArray(), uniform),
            IntegrationRule.RiemannRight => (Enumerable.Range(1, steps).Select(k => (double)k / steps).ToArray(), uniform),
            IntegrationRule.RiemannMiddle => (Enumerable.Range(0, steps).Select(k => (k + 0.5) / steps).ToArray(), uniform),
            IntegrationRule.RiemannTrapezoid => Trapezoid(steps),
            IntegrationRule.GaussLegendre => GaussLegendre(steps),
            _ => throw new ArgumentOutOfRangeException(nameof(rule)),
        };
    }

    private static (double[], double[]) Trapezoid(int steps)
    {
        // Captum's trapezoid weights sum to (n-1)/n; here the n points span [0, 1] so the weights sum to 1.
        double h = 1.0 / (steps - 1);
        double[] alphas = Enumerable.Range(0, steps).Select(k => k * h).ToArray();
        double[] weights = Enumerable.Range(0, steps).Select(k => k == 0 || k == steps - 1 ? h / 2 : h).ToArray();
        return (alphas, weights);
    }

    private static (double[], double[]) GaussLegendre(int steps)
    {
        // Nodes are the roots of the Legendre polynomial P_n, found by Newton's method from Chebyshev-like starting points.
        var alphas = new double[steps];
        var weights = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (steps + 0.5));
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double p, double dp) = Legendre(steps, x);
                double step = p / dp;
                x -= step;
                if (Math.Abs(step) < 1e-15) break;
            }
            double derivative = Legendre(steps, x).Derivative;
            // Map [-1, 1] to [0, 1]: alpha = (x + 1) / 2 and the weight halves.
            alphas[steps - 1 - i] = (x + 1) / 2;
            weights[steps - 1 - i] = 1.0 / ((1 - x * x) * derivative * derivative);
        }
        return (alphas, weights);
    }

    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double previous = 1, current = x;
        if (n == 0) return (1, 0);
        for (int k = 2; k <= n; k++)
        {
            double next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
            previous = current;
            current = next;
        }
        return (current, n * (x * current - previous) / (x * x - 1));
    }
}
