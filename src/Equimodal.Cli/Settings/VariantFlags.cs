namespace Equimodal.Cli.Settings;

/// <summary>The repeatable --variant NAME=METHOD flag of compare and select.</summary>
public static class VariantFlags
{
    /// <summary>Help text of the flag.</summary>
    public const string Help = "A row NAME (listed in --methods) that trains METHOD with its own options, given as --method-option NAME:key=value on top of METHOD's; repeatable. E.g. --methods joint,attr-reg,uni --variant uni=attr-reg --method-option uni:unimodal-weight=1.";

    /// <summary>The variants given: row name to method.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> variants)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string variant in variants)
        {
            string[] parts = variant.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new ArgumentException($"--variant {variant}: expected NAME=METHOD, e.g. uni=attr-reg.");
            if (!map.TryAdd(parts[0], parts[1])) throw new ArgumentException($"--variant {parts[0]} is given twice.");
        }
        return map;
    }
}
