namespace Equimodal.Data;

/// <summary>
/// A data file that cannot be used: the message names the file, the line for text files, and what is wrong,
/// so a user can fix the data without a debugger.
/// </summary>
public sealed class DataFileException : Exception
{
    /// <summary>Creates the error for <paramref name="path"/> (and <paramref name="line"/>, 1-based, when the file is a table).</summary>
    public DataFileException(string path, string problem, int? line = null, Exception? inner = null)
        : base($"{path}{(line is null ? "" : $" line {line}")}: {problem}", inner)
    {
        FilePath = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>The offending file or folder.</summary>
    public string FilePath { get; }

    /// <summary>1-based line of a table file, when the problem is on one line.</summary>
    public int? Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
