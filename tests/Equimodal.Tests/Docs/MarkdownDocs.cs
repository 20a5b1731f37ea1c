using System.Text.RegularExpressions;

namespace Equimodal.Tests.Docs;

/// <summary>A fenced block of a Markdown file with the <c>&lt;!-- test: ... --&gt;</c> marker written above it, if any.</summary>
/// <param name="File">Path relative to the repository root.</param>
/// <param name="Line">Line of the opening fence (1-based).</param>
/// <param name="Language">The fence's language (empty when none).</param>
/// <param name="Marker">The marker's text after <c>test:</c>, or null.</param>
/// <param name="Text">The block's lines.</param>
public sealed record FencedBlock(string File, int Line, string Language, string? Marker, string Text)
{
    /// <summary>Where the block is, for messages.</summary>
    public string Where => $"{File}:{Line}";

    /// <summary>The marker's kind: run, check, output or smoke (null when unmarked).</summary>
    public string? Kind => Marker is null ? null : Regex.Match(Marker, @"^[a-z-]+").Value;

    /// <summary>The value of <c>name: value</c> in the marker (up to the next comma), or null.</summary>
    public string? Setting(string name)
    {
        Match match = Regex.Match(Marker ?? "", $@"\b{Regex.Escape(name)}:\s*([^,]*)");
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }
}

/// <summary>The Markdown a user reads (README.md, docs/*.md, bench/README.md): fenced blocks, links and headings.</summary>
public static class MarkdownDocs
{
    /// <summary>The repository root (the folder holding Equimodal.slnx above the test binaries).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every user-facing Markdown file, relative to the root, README.md first.</summary>
    public static IReadOnlyList<string> Files { get; } = new[] { "README.md", "bench/README.md" }
        .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
        .ToArray();

    /// <summary>The fenced blocks of <paramref name="file"/> in order.</summary>
    public static IReadOnlyList<FencedBlock> Blocks(string file)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, file));
        var blocks = new List<FencedBlock>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal)) continue;
            int open = i;
            string language = lines[i][3..].Trim();
            int close = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            if (close < 0) throw new InvalidOperationException($"{file}:{open + 1}: a fenced block is never closed");
            blocks.Add(new FencedBlock(file, open + 1, language, MarkerAbove(lines, open), string.Join('\n', lines[(open + 1)..close])));
            i = close;
        }
        return blocks;
    }

    /// <summary>The relative link targets of <paramref name="file"/> (external links and e-mail left out) with their lines.</summary>
    public static IEnumerable<(int Line, string Target)> Links(string file)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, file));
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced) continue;
            foreach (Match link in Regex.Matches(lines[i], @"\]\(([^)\s]+)\)"))
            {
                string target = link.Groups[1].Value;
                if (!Regex.IsMatch(target, "^(https?|mailto):")) yield return (i + 1, target);
            }
        }
    }

    /// <summary>The anchors GitHub gives the headings of <paramref name="file"/> (lower case, punctuation dropped, spaces to hyphens, repeats numbered).</summary>
    public static IReadOnlySet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        bool fenced = false;
        foreach (string line in File.ReadLines(Path.Combine(Root, file)))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced || !Regex.IsMatch(line, "^#{1,6} ")) continue;
            string slug = Regex.Replace(line.TrimStart('#').Trim().ToLowerInvariant(), @"[^\p{L}\p{N}\s_-]", "").Replace(' ', '-');
            string unique = slug;
            for (int n = 1; !anchors.Add(unique); n++) unique = $"{slug}-{n}";
        }
        return anchors;
    }

    private static string? MarkerAbove(string[] lines, int fence)
    {
        for (int i = fence - 1; i >= 0 && i >= fence - 2; i--)
        {
            Match marker = Regex.Match(lines[i], @"^<!--\s*test:\s*(.*?)\s*-->\s*$");
            if (marker.Success) return marker.Groups[1].Value;
            if (lines[i].Trim().Length > 0) return null;
        }
        return null;
    }

    private static string FindRoot()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "Equimodal.slnx"))) folder = Path.GetDirectoryName(folder);
        return folder ?? throw new InvalidOperationException("The repository root (Equimodal.slnx) was not found above the test binaries.");
    }
}
