namespace Equimodal.Bench;

/// <summary>Reads "--name value" options of a benchmark subcommand.</summary>
public sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values = new();

    /// <summary>Parses <paramref name="args"/>; every option must be one of <paramref name="known"/>.</summary>
    public BenchmarkArguments(string[] args, params string[] known)
    {
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!known.Contains(args[i]) || i + 1 >= args.Length)
                throw new ArgumentException($"Unknown option or missing value: '{args[i]}'. Valid options: {string.Join(", ", known)}.");
            _values[args[i]] = args[i + 1];
        }
    }

    /// <summary>The integer value of <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public int Integer(string name, int fallback) => _values.TryGetValue(name, out string? text) ? int.Parse(text) : fallback;

    /// <summary>The text value of <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback) => _values.TryGetValue(name, out string? text) ? text : fallback;
}
