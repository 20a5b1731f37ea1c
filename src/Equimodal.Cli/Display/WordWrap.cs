namespace Equimodal.Cli.Display;

/// <summary>Wraps text at spaces only, so a flag, a path or a value is never broken inside.</summary>
public static class WordWrap
{
    /// <summary>
    /// Lines of at most <paramref name="width"/> characters (a single word longer than that keeps its own line),
    /// each prefixed by <paramref name="indent"/>; the first line by <paramref name="firstIndent"/> when given.
    /// A line break in <paramref name="text"/> starts a new line.
    /// </summary>
    public static IReadOnlyList<string> Lines(string text, int width, string indent, string? firstIndent = null) =>
        text.Split('\n').SelectMany((paragraph, index) => Paragraph(paragraph, width, indent, index == 0 ? firstIndent : null)).ToList();

    private static List<string> Paragraph(string text, int width, string indent, string? firstIndent)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder(firstIndent ?? indent);
        int lineStart = line.Length;
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            bool empty = line.Length == lineStart;
            if (!empty && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear().Append(indent);
                lineStart = line.Length;
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > lineStart || lines.Count == 0) lines.Add(line.ToString().TrimEnd());
        return lines;
    }
}
