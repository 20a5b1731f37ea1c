namespace Equimodal.Data.Datasets;

/// <summary>One data row of a table file with its 1-based line number.</summary>
/// <param name="Line">Line in the file.</param>
/// <param name="Values">Values by column name.</param>
public sealed record TableRow(int Line, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>The value of <paramref name="column"/>.</summary>
    public string this[string column] => Values[column];
}
