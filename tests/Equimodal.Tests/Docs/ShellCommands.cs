using System.Text;

namespace Equimodal.Tests.Docs;

/// <summary>The `equimodal` invocations of a shell block, as argument lists (the tool, or `dotnet run --project src/Equimodal.Cli ... --`).</summary>
public static class ShellCommands
{
    private static readonly string[] Separators = { "|", "||", "&&", ";", "&" };

    /// <summary>Each command of <paramref name="script"/> (continuations joined, comments dropped) split into words as the shell would, without expansion.</summary>
    public static IEnumerable<IReadOnlyList<string>> Commands(string script)
    {
        foreach (string line in script.Replace("\\\n", " ").Split('\n'))
        {
            var command = new List<string>();
            foreach (string word in Words(line))
            {
                if (Separators.Contains(word))
                {
                    if (command.Count > 0) yield return command;
                    command = new List<string>();
                }
                else command.Add(word);
            }
            if (command.Count > 0) yield return command;
        }
    }

    /// <summary>The arguments given to equimodal by <paramref name="command"/> (redirections dropped), or null when it does not run equimodal.</summary>
    public static IReadOnlyList<string>? EquimodalArguments(IReadOnlyList<string> command)
    {
        int start = -1;
        for (int i = 0; i < command.Count && start < 0; i++)
        {
            if (command[i] == "equimodal" || command[i].EndsWith("/equimodal", StringComparison.Ordinal)) start = i + 1;
            else if (command[i] == "dotnet" && i + 3 < command.Count && command[i + 1] == "run" && command.Skip(i).Contains("src/Equimodal.Cli"))
                start = command.ToList().IndexOf("--", i) + 1;
        }
        if (start <= 0) return null;
        return command.Skip(start).TakeWhile(w => !w.StartsWith('>') && !w.StartsWith("2>", StringComparison.Ordinal)).ToArray();
    }

    private static IEnumerable<string> Words(string line)
    {
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '#' && !inWord) yield break;
            if (char.IsWhiteSpace(c))
            {
                if (inWord) yield return word.ToString();
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c is '"' or '\'')
            {
                int end = line.IndexOf(c, i + 1);
                if (end < 0) end = line.Length;
                word.Append(line, i + 1, end - i - 1);
                i = end;
            }
            else word.Append(c);
        }
        if (inWord) yield return word.ToString();
    }
}
