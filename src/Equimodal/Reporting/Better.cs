namespace Equimodal.Reporting;

/// <summary>Which way a metric improves, to mark the best method of a column.</summary>
public enum Better
{
    /// <summary>Larger is better (accuracy).</summary>
    Higher,

    /// <summary>Smaller is better (time, imbalance).</summary>
    Lower,

    /// <summary>No better direction (Shapley values, shares): nothing is marked.</summary>
    Neither,
}
