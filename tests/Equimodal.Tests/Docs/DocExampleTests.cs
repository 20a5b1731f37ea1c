using System.Diagnostics;
using System.Text.RegularExpressions;
using Equimodal.Cli;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Tests.Cli;

namespace Equimodal.Tests.Docs;

/// <summary>
/// Every command a user would copy from the README and docs/ works: blocks marked <c>&lt;!-- test: run --&gt;</c> run
/// in a fresh folder per file, in order, through the built CLI (with the marker's <c>with:</c> flags for small sizes,
/// its <c>fixture:</c> data written first); every other `equimodal` command is checked to name an existing command and
/// existing flags. C# blocks marked <c>smoke</c> are compiled and run by build/package-smoke.sh against the packed library.
/// </summary>
public class DocExampleTests
{
    private static readonly string[] Kinds = { "run", "check", "output", "smoke" };

    // Pages other features add; the index links them before they exist on every branch.
    private static readonly string[] PlannedPages = { "docs/report.md", "docs/selection.md", "docs/reliability.md", "docs/troubleshooting.md" };

    // Words that only make sense to the people who wrote the project, never to a user.
    private static readonly Regex InternalVocabulary = new(
        @"\bsessions?\b|\bissue[- ]#?\d+|\bissue's\b|\bthis issue\b|registry used here|\(#\d+\)", RegexOptions.IgnoreCase);

    public static TheoryData<string> Files => new(MarkdownDocs.Files);

    [Fact]
    public void Every_block_of_the_readme_says_how_it_is_tested()
    {
        string[] unmarked = MarkdownDocs.Blocks("README.md").Where(b => b.Kind is null).Select(b => b.Where).ToArray();
        Assert.True(unmarked.Length == 0, "README blocks without a <!-- test: run|check: REASON|output|smoke --> marker: " + string.Join(", ", unmarked));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Markers_are_known_and_checks_give_their_reason(string file)
    {
        foreach (FencedBlock block in MarkdownDocs.Blocks(file).Where(b => b.Marker is not null || b.Language == "csharp"))
        {
            Assert.True(Kinds.Contains(block.Kind), $"{block.Where}: marker '{block.Marker ?? "none"}' is not one of {string.Join(", ", Kinds)}");
            if (block.Kind == "check") Assert.True(block.Setting("check")?.Length > 0, $"{block.Where}: a check marker says why the block cannot run ('check: REASON')");
            if (block.Kind == "smoke") Assert.True(file == "README.md", $"{block.Where}: build/package-smoke.sh runs the smoke blocks of README.md only");
            if (block.Language == "csharp") Assert.True(block.Kind is "smoke" or "check", $"{block.Where}: a C# block is 'smoke' (run by build/package-smoke.sh) or 'check: REASON'");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_equimodal_command_names_an_existing_command_and_existing_flags(string file)
    {
        foreach (FencedBlock block in MarkdownDocs.Blocks(file).Where(b => b.Kind != "output" && b.Language is "" or "bash" or "sh" or "console"))
        {
            foreach (IReadOnlyList<string> command in ShellCommands.Commands(block.Text))
            {
                if (ShellCommands.EquimodalArguments(command) is not { } args) continue;
                string? problem = FlagProblem(args);
                Assert.True(problem is null, $"{block.Where}: `{string.Join(' ', command)}`: {problem}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Runnable_blocks_run_in_order_in_a_fresh_folder(string file)
    {
        FencedBlock[] runnable = MarkdownDocs.Blocks(file).Where(b => b.Kind == "run").ToArray();
        if (runnable.Length == 0) return;
        string folder = TestData.TempFolder();
        foreach (FencedBlock block in runnable)
        {
            if (block.Setting("fixture") is { } fixture) ExampleFolderDataset.Write(Path.Combine(folder, fixture));
            string[] with = (block.Setting("with") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (IReadOnlyList<string> command in ShellCommands.Commands(block.Text))
            {
                IReadOnlyList<string> args = ShellCommands.EquimodalArguments(command)
                    ?? throw new Xunit.Sdk.XunitException($"{block.Where}: a run block holds only equimodal commands; `{string.Join(' ', command)}` is not one (mark the block 'check: REASON')");
                (int code, string output) = RunCli(folder, WithFlags(args, with));
                Assert.True(code == 0, $"{block.Where}: `{string.Join(' ', command)}` exited with {code}:\n{output}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Links_point_at_files_and_headings_that_exist(string file)
    {
        string folder = Path.GetDirectoryName(Path.Combine(MarkdownDocs.Root, file))!;
        foreach ((int line, string target) in MarkdownDocs.Links(file))
        {
            string[] parts = target.Split('#', 2);
            string path = parts[0].Length == 0 ? Path.Combine(MarkdownDocs.Root, file) : Path.GetFullPath(Path.Combine(folder, parts[0]));
            string relative = Path.GetRelativePath(MarkdownDocs.Root, path).Replace('\\', '/');
            if (PlannedPages.Contains(relative) && !File.Exists(path)) continue;
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{file}:{line}: link to {target}: {relative} does not exist");
            if (parts.Length == 2 && path.EndsWith(".md", StringComparison.Ordinal))
                Assert.True(MarkdownDocs.Anchors(relative).Contains(parts[1]), $"{file}:{line}: link to {target}: {relative} has no heading #{parts[1]}");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void User_facing_text_has_no_internal_vocabulary(string file)
    {
        string[] lines = File.ReadAllLines(Path.Combine(MarkdownDocs.Root, file));
        string[] found = lines.Select((text, i) => (text, i)).Where(l => InternalVocabulary.IsMatch(l.text))
            .Select(l => $"{file}:{l.i + 1}: {InternalVocabulary.Match(l.text).Value}").ToArray();
        Assert.True(found.Length == 0, "words a user cannot follow:\n" + string.Join('\n', found));
    }

    [Fact]
    public void Help_and_the_start_guide_have_no_internal_vocabulary()
    {
        var texts = EquimodalApp.Commands.Keys.Select(c => CliRunner.Run(c, "--help").Output)
            .Append(CliRunner.Run("--help").Output).Append(CliRunner.Run("methods").Output).Append(string.Join('\n', StartGuide.Lines));
        foreach (string text in texts) Assert.DoesNotMatch(InternalVocabulary, text);
    }

    [Fact]
    public void The_vocabulary_check_catches_what_it_is_for()
    {
        Assert.Matches(InternalVocabulary, "measured in session 4");
        Assert.Matches(InternalVocabulary, "the study of issue 13");
        Assert.Matches(InternalVocabulary, "The issue's aim is not met");
        Assert.Matches(InternalVocabulary, "the package registry used here");
        Assert.DoesNotMatch(InternalVocabulary, "issues (#3, #5, #10 of lihongcs/AGM");
    }

    [Fact]
    public void Shell_commands_are_split_as_the_shell_does()
    {
        IReadOnlyList<string>[] commands = ShellCommands.Commands(
            "dotnet run --project src/Equimodal.Cli -c Release -- train --out \"runs/a b\" \\\n  --epochs 1   # comment\ncd x && ~/.equimodal/equimodal --version 2>&1 | tail -1").ToArray();
        Assert.Equal(new[] { "train", "--out", "runs/a b", "--epochs", "1" }, ShellCommands.EquimodalArguments(commands[0]));
        Assert.Null(ShellCommands.EquimodalArguments(commands[1]));
        Assert.Equal(new[] { "--version" }, ShellCommands.EquimodalArguments(commands[2]));
        Assert.Null(ShellCommands.EquimodalArguments(commands[3]));
    }

    [Fact]
    public void A_flag_that_does_not_exist_is_found()
    {
        Assert.Null(FlagProblem(new[] { "train", "--epochs", "N", "--method-option", "attr-reg:lambda=1" }));
        Assert.Contains("--epoch", FlagProblem(new[] { "train", "--epoch", "1" }));
        Assert.Contains("trian", FlagProblem(new[] { "trian" }));
    }

    /// <summary>Null when every flag of <paramref name="args"/> exists for its command; values are not checked (docs use placeholders).</summary>
    private static string? FlagProblem(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "--version" or "-v") return null;
        if (!EquimodalApp.Commands.TryGetValue(args[0], out Type? command)) return $"there is no command '{args[0]}'";
        var flags = CommandOptions.Of(CommandLineCheck.SettingsTypeOf(command)).Select(o => o.Name).Append("help").ToHashSet(StringComparer.Ordinal);
        string[] unknown = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            .Select(a => a[2..].Split('=')[0]).Where(name => !flags.Contains(name)).ToArray();
        return unknown.Length == 0 ? null : $"'{args[0]}' has no option --{string.Join(", --", unknown)}";
    }

    /// <summary><paramref name="args"/> with each flag of <paramref name="with"/> that its command has set: its value replaced where given, else appended.</summary>
    private static IReadOnlyList<string> WithFlags(IReadOnlyList<string> args, string[] with)
    {
        var result = args.ToList();
        for (int i = 0; i + 1 < with.Length; i += 2)
        {
            if (FlagProblem(new[] { args[0], with[i] }) is not null) continue;
            int at = result.IndexOf(with[i]);
            if (at >= 0 && at + 1 < result.Count) result[at + 1] = with[i + 1];
            else result.AddRange(new[] { with[i], with[i + 1] });
        }
        return result;
    }

    private static (int ExitCode, string Output) RunCli(string folder, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Equimodal.Cli.dll"));
        foreach (string argument in args) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(600_000), $"`equimodal {string.Join(' ', args)}` did not finish in 10 minutes");
        return (process.ExitCode, stdout + stderr.Result);
    }
}
