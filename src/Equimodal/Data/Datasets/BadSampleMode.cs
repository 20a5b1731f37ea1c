namespace Equimodal.Data.Datasets;

/// <summary>What to do with a sample whose files are bad.</summary>
public enum BadSampleMode
{
    /// <summary>Stop with an error naming the file and the problem.</summary>
    Fail,
    /// <summary>Leave the sample out, count it and report why.</summary>
    Skip,
}
