using System.Text.RegularExpressions;
using Equimodal.Cli;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Reporting;
using Spectre.Console.Testing;

namespace Equimodal.Tests.Cli;

/// <summary>Help, the start guide and the method listing at 80 columns, as piped output or a narrow terminal shows them.</summary>
public class HelpLayoutTests
{
    private static string At80(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 80;
        int code = EquimodalApp.Run(args, console);
        Assert.True(code == 0, console.Output);
        return console.Output;
    }

    private static IEnumerable<string> Lines(string text) => text.Replace("\r", "").Split('\n');

    [Fact]
    public void At_80_columns_every_description_sits_under_its_option_and_no_word_is_broken()
    {
        foreach (string command in EquimodalApp.Commands.Keys)
        {
            string help = At80(command, "--help");
            string[] lines = Lines(help).ToArray();
            string[] examples = lines.SkipWhile(l => l != "EXAMPLES:").Skip(1).TakeWhile(l => l.Length > 0).ToArray();
            foreach (string line in lines.Except(examples))
                Assert.True(line.TrimEnd().Length <= 80, $"{command} --help: a line is wider than 80 columns: '{line}'");
            // Every option line is alone on its line (its description below it, indented further), with its default as typed.
            foreach (CommandOption option in CommandOptions.Of(CommandLineCheck.SettingsTypeOf(EquimodalApp.Commands[command])))
            {
                int at = Array.FindIndex(lines, l => Regex.IsMatch(l, $@"^    {Regex.Escape(option.Flag)}( |$)"));
                Assert.True(at >= 0, $"{command} --help does not list {option.Flag}");
                Assert.Matches(@"^    --[a-z0-9-]+( <[^>]+>| \[[^\]]+\])?(  \(default: [^)]*\))?$", lines[at]);
                Assert.StartsWith("        ", lines[at + 1]);
            }
            // Words of the descriptions are whole: each one appears in the help's text as written in the description.
            foreach (CommandOption option in CommandOptions.Of(CommandLineCheck.SettingsTypeOf(EquimodalApp.Commands[command])))
            {
                string? description = option.Property.GetCustomAttributes(typeof(System.ComponentModel.DescriptionAttribute), true)
                    .Cast<System.ComponentModel.DescriptionAttribute>().SingleOrDefault()?.Description;
                Assert.False(string.IsNullOrWhiteSpace(description), $"{command} {option.Flag} has no description");
                string words = string.Join(' ', help.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
                Assert.Contains(string.Join(' ', Spectre.Console.Markup.Remove(description!).Split(' ', StringSplitOptions.RemoveEmptyEntries)), words);
            }
        }
    }

    [Fact]
    public void Examples_are_never_wrapped_so_they_paste_as_one_command()
    {
        string help = At80("train", "--help");
        Assert.Contains("\n    equimodal train --dataset synthetic --method joint --fusion concat --epochs 10 --seed 1 --out runs/joint-1\n", help.Replace("\r", ""));
    }

    [Fact]
    public void Defaults_show_as_typed_on_the_command_line()
    {
        Assert.Contains("    --on-bad-sample <MODE>  (default: fail)", Lines(At80("train", "--help")));
        Assert.Contains("    --tensorboard <BOOL>  (default: true)", Lines(At80("train", "--help")));
        Assert.Equal("0.001", HelpLayout.DefaultAsTyped(0.001));
        Assert.Equal("fail", HelpLayout.DefaultAsTyped(Equimodal.Data.Datasets.BadSampleMode.Fail));
        Assert.Equal("false", HelpLayout.DefaultAsTyped(false));
        Assert.Null(HelpLayout.DefaultAsTyped(""));
    }

    [Fact]
    public void The_word_wrap_breaks_only_at_spaces_and_keeps_a_long_path_whole()
    {
        IReadOnlyList<string> lines = WordWrap.Lines("see docs/distributed.md for --encoder-weights of a very long line", 20, "  ");
        Assert.Equal(new[] { "  see", "  docs/distributed.md", "  for", "  --encoder-weights", "  of a very long", "  line" }, lines);
        Assert.Equal(new[] { "name  first", "    second" }, WordWrap.Lines("first\nsecond", 40, "    ", "name  "));
    }

    [Fact]
    public void A_wide_terminal_puts_descriptions_beside_their_options()
    {
        var console = new TestConsole().Interactive();
        console.Profile.Width = 160;
        console.Profile.Capabilities.Ansi = false;
        EquimodalApp.Run(new[] { "predict", "--help" }, console);
        string line = Lines(console.Output).Single(l => l.StartsWith("    --top-k", StringComparison.Ordinal));
        Assert.Contains("Most probable classes written per sample", line);
    }

    [Fact]
    public void Piped_help_follows_COLUMNS()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Equimodal.Cli.dll"));
        start.ArgumentList.Add("predict");
        start.ArgumentList.Add("--help");
        start.Environment["COLUMNS"] = "60";
        using var process = System.Diagnostics.Process.Start(start)!;
        string help = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000));
        string[] lines = Lines(help).Where(l => !l.StartsWith("    equimodal ", StringComparison.Ordinal)).ToArray();
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 60, line));
        Assert.Contains(lines, line => line.TrimEnd().Length > 50);
    }

    [Fact]
    public void Version_prints_the_recorded_version()
    {
        Assert.Equal(ReproducibilityInfo.CurrentVersion, At80("--version").Trim());
    }

    [Fact]
    public void Equimodal_alone_prints_a_start_guide_whose_commands_exist()
    {
        string guide = At80();
        Assert.Contains("    equimodal demo", guide);
        Assert.Contains("docs/", guide);
        Assert.All(Lines(guide), line => Assert.True(line.Length <= 80, line));
        foreach (string command in StartGuide.Lines.Where(l => l.StartsWith("    equimodal ", StringComparison.Ordinal)))
        {
            string[] words = command.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string name = words[1];
            if (name is "COMMAND" or "--help") continue;
            Assert.Contains(name, EquimodalApp.Commands.Keys);
            var flags = CommandOptions.Of(CommandLineCheck.SettingsTypeOf(EquimodalApp.Commands[name])).Select(o => o.Flag).ToHashSet();
            Assert.All(words.Where(w => w.StartsWith("--", StringComparison.Ordinal)), flag => Assert.Contains(flag, flags));
        }
    }

    [Fact]
    public void The_methods_listing_indents_continuation_lines_at_80_columns()
    {
        string[] lines = Lines(At80("methods")).Where(l => l.Length > 0).ToArray();
        Assert.All(lines, line => Assert.True(line.Length <= 80, line));
        Assert.StartsWith("attr-reg  Attribution regularization", lines.Single(l => l.StartsWith("attr-reg  ", StringComparison.Ordinal)));
        // A line at column 0 starts a method (its registered name) or the closing notes; everything else is indented.
        var names = Equimodal.Methods.MethodRegistry.Methods.Select(m => m.Name).ToHashSet();
        Assert.All(lines.Where(l => !l.StartsWith(' ')), line => Assert.True(names.Contains(line.Split(' ')[0]) || line.StartsWith("NAME-only", StringComparison.Ordinal) || line.StartsWith("Options:", StringComparison.Ordinal), line));
        Assert.Contains(lines, l => l.StartsWith("        ", StringComparison.Ordinal));
    }
}
