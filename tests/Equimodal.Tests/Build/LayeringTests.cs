using System.Text.RegularExpressions;
using Equimodal.Tests.Docs;

namespace Equimodal.Tests.Build;

/// <summary>
/// The folders of src/Equimodal are layers, and a file names only layers below its own: the order here, the check of
/// every source file against it, and the check that the picture in docs/architecture.md draws the same order.
/// </summary>
public class LayeringTests
{
    /// <summary>
    /// The layers from the bottom up; folders of one rank are peers, which use neither each other nor anything of a
    /// rank at or above their own.
    /// </summary>
    public static readonly string[][] Ranks =
    {
        new[] { "Native" },
        new[] { "Runtime" },
        new[] { "Distributed" },
        new[] { "Tasks" },
        new[] { "Data" },
        new[] { "Models" },
        new[] { "Attribution" },
        new[] { "Evaluation" },
        new[] { "Training" },
        new[] { "Methods" },
        new[] { "Reporting" },
        new[] { "Experiments" },
        new[] { "Inference", "Selection", "Report" },
    };

    private static readonly Regex Namespace = new(@"^namespace\s+Equimodal\.(\w+)", RegexOptions.Multiline);

    // A using directive (plain, static or alias) or a name qualified from the root, outside comments and strings.
    private static readonly Regex Reference = new(@"(?<![\w.])(?:global::)?Equimodal\.(\w+)");

    private static int RankOf(string layer) => Array.FindIndex(Ranks, rank => rank.Contains(layer));

    private static string Source => Path.Combine(MarkdownDocs.Root, "src", "Equimodal");

    private static IEnumerable<string> SourceFiles() => Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
        .Where(f => !Path.GetRelativePath(Source, f).Split(Path.DirectorySeparatorChar)[0].Equals("obj", StringComparison.Ordinal)
            && !Path.GetRelativePath(Source, f).Split(Path.DirectorySeparatorChar)[0].Equals("bin", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal);

    /// <summary>"file:line: the layer imports the layer above it" for every reference of <paramref name="text"/> to a layer not below its own.</summary>
    public static IEnumerable<string> UpwardReferences(string file, string text)
    {
        string layer = Namespace.Match(text).Groups[1].Value;
        int rank = RankOf(layer);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string code = CodeOf(lines[i]);
            if (code.TrimStart().StartsWith("namespace ", StringComparison.Ordinal)) continue;
            foreach (Match match in Reference.Matches(code))
            {
                string used = match.Groups[1].Value;
                if (used == layer) continue;
                int usedRank = RankOf(used);
                if (usedRank < 0 || usedRank >= rank)
                    yield return $"{file}:{i + 1}: {layer} (rank {rank}) names {used} ({(usedRank < 0 ? "not a layer" : $"rank {usedRank}")}): '{lines[i].Trim()}'";
            }
        }
    }

    // The line without its comment and string literals (a message may name a namespace without depending on it).
    private static string CodeOf(string line)
    {
        string code = Regex.Replace(line, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        int comment = code.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? code : code[..comment];
    }

    [Fact]
    public void Every_folder_is_a_layer_and_every_file_is_in_the_namespace_of_its_folder()
    {
        var problems = new List<string>();
        foreach (string file in SourceFiles())
        {
            string relative = Path.GetRelativePath(Source, file).Replace('\\', '/');
            string folder = relative.Contains('/') ? relative[..relative.IndexOf('/')] : "(root)";
            string layer = Namespace.Match(File.ReadAllText(file)).Groups[1].Value;
            if (layer != folder) problems.Add($"src/Equimodal/{relative}: namespace Equimodal.{layer} in folder {folder}");
            else if (RankOf(layer) < 0) problems.Add($"src/Equimodal/{relative}: folder {folder} is not in LayeringTests.Ranks (add it, and to docs/architecture.md)");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void No_file_names_a_layer_at_or_above_its_own()
    {
        string[] upward = SourceFiles()
            .SelectMany(f => UpwardReferences("src/Equimodal/" + Path.GetRelativePath(Source, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToArray();
        Assert.True(upward.Length == 0, "Dependencies point down the layers of docs/architecture.md; move the contract down or pass in what is needed:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void The_check_names_the_file_line_and_using_that_points_up()
    {
        const string text = "using Equimodal.Data;\nusing Equimodal.Experiments;\n\nnamespace Equimodal.Training;\n\n/// <see cref=\"Equimodal.Methods.MethodRegistry\"/>\npublic static class X { string M => \"Equimodal.Report\"; object N => Equimodal.Methods.MethodRegistry.Methods; }\n";
        Assert.Equal(new[]
        {
            "T.cs:2: Training (rank 8) names Experiments (rank 11): 'using Equimodal.Experiments;'",
            "T.cs:7: Training (rank 8) names Methods (rank 9): 'public static class X { string M => \"Equimodal.Report\"; object N => Equimodal.Methods.MethodRegistry.Methods; }'",
        }, UpwardReferences("T.cs", text));
        Assert.Equal("T.cs:1: Inference (rank 12) names Selection (rank 12): 'using Equimodal.Selection;'",
            Assert.Single(UpwardReferences("T.cs", "using Equimodal.Selection;\nnamespace Equimodal.Inference;\n")));
    }

    [Fact]
    public void The_picture_in_the_architecture_doc_draws_the_layer_order()
    {
        const string file = "docs/architecture.md";
        FencedBlock picture = MarkdownDocs.Blocks(file).Single(b => b.Language == "mermaid" && b.Text.Contains("%% layers", StringComparison.Ordinal));
        var drawn = Regex.Matches(picture.Text, @"^\s*(\w+)\s*-->\s*(\w+)\s*$", RegexOptions.Multiline)
            .Select(m => $"{m.Groups[1].Value} --> {m.Groups[2].Value}").Order(StringComparer.Ordinal).ToArray();
        string[] expected = Ranks.Skip(1)
            .SelectMany((rank, i) => rank.SelectMany(upper => Ranks[i].Select(lower => $"{upper} --> {lower}")))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, drawn);
        string order = string.Join(" < ", Ranks.Select(rank => string.Join(", ", rank)));
        Assert.Contains(order, File.ReadAllText(Path.Combine(MarkdownDocs.Root, file)));
    }
}
