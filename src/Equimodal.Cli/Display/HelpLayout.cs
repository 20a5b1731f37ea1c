using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Equimodal.Cli.Display;

/// <summary>
/// `--help` that reads at any width: on a wide terminal the description sits beside the option, otherwise (narrow,
/// piped, redirected) under it; text wraps at spaces only, examples are never wrapped (so they paste as one command),
/// and defaults are shown as a user types them (<c>fail</c>, <c>true</c>).
/// </summary>
public sealed class HelpLayout : HelpProvider
{
    /// <summary>The narrowest terminal on which descriptions sit beside their option.</summary>
    public const int SideBySideWidth = 120;

    private const string Indent = "    ";
    private const string DescriptionIndent = "        ";
    private readonly ICommandAppSettings settings;

    /// <summary>Help for the application configured by <paramref name="settings"/>, written to its console.</summary>
    public HelpLayout(ICommandAppSettings settings) : base(settings) => this.settings = settings;

    private IAnsiConsole Console => settings.Console ?? AnsiConsole.Console;

    private int Width => Math.Max(40, Console.Profile.Width);

    private bool SideBySide => Console.Profile.Capabilities.Interactive && Width >= SideBySideWidth;

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetDescription(ICommandModel model, ICommandInfo? command)
    {
        if (string.IsNullOrWhiteSpace(command?.Description)) return [];
        var lines = new List<string> { "DESCRIPTION:" };
        lines.AddRange(WordWrap.Lines(Markup.Remove(command.Description), Width, ""));
        return [new PlainLines(lines), Text.NewLine];
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetExamples(ICommandModel model, ICommandInfo? command)
    {
        List<string[]> examples = command is null
            ? (model.Examples.Count > 0 ? model.Examples.ToList() : model.Commands.Where(c => c.Examples.Count > 0).Select(c => c.Examples[0]).Take(MaximumIndirectExamples).ToList())
            : command.Examples.ToList();
        if (examples.Count == 0) return [];
        var lines = new List<string> { "", "EXAMPLES:" };
        lines.AddRange(examples.Select(example => Indent + model.ApplicationName + " " + string.Join(' ', example)));
        return [new PlainLines(lines)];
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetArguments(ICommandModel model, ICommandInfo? command)
    {
        List<(string Name, string Description)> arguments = command?.Parameters.OfType<ICommandArgument>().Where(a => !a.IsHidden)
            .Select(a => (a.IsRequired ? $"<{a.Value}>" : $"[{a.Value}]", Markup.Remove(a.Description ?? ""))).ToList() ?? [];
        return arguments.Count == 0 ? [] : [new PlainLines(Entries("ARGUMENTS:", arguments))];
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        var options = new List<(string Name, string Description)> { ("-h, --help", "Prints help information") };
        if (command is null && model.ApplicationVersion is not null) options.Add(("-v, --version", "Prints version information"));
        foreach (ICommandOption option in command?.Parameters.OfType<ICommandOption>().Where(o => !o.IsHidden) ?? [])
        {
            string? shown = DefaultAsTyped(option.DefaultValue?.Value);
            string name = OptionName(option), description = Markup.Remove(option.Description ?? "");
            string withDefault = $"{name}  (default: {shown})";
            if (shown is null) options.Add((name, description));
            else if (Indent.Length + withDefault.Length <= Width) options.Add((withDefault, description));
            else options.Add((name, $"(default: {shown}) {description}"));
        }
        return [new PlainLines(Entries("OPTIONS:", options))];
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetCommands(ICommandModel model, ICommandInfo? command)
    {
        List<(string Name, string Description)> commands = ((ICommandContainer?)command ?? model).Commands.Where(c => !c.IsHidden)
            .Select(c => (c.Name, Markup.Remove(c.Description ?? ""))).ToList();
        return commands.Count == 0 ? [] : [new PlainLines(Entries("COMMANDS:", commands))];
    }

    /// <summary>A default as it is typed on the command line: <c>true</c>, <c>fail</c>, <c>0.001</c>; null when there is none.</summary>
    public static string? DefaultAsTyped(object? value) => value switch
    {
        null => null,
        bool flag => flag ? "true" : "false",
        Enum member => KebabCase(member.ToString()),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() is { Length: > 0 } text ? text : null,
    };

    private static string KebabCase(string name)
    {
        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private static string OptionName(ICommandOption option)
    {
        string names = string.Join(", ", option.ShortNames.Select(n => "-" + n).Concat(option.LongNames.Select(n => "--" + n)));
        if (option.ValueName is null) return names;
        return option.ValueIsOptional ? $"{names} [{option.ValueName}]" : $"{names} <{option.ValueName}>";
    }

    private List<string> Entries(string header, List<(string Name, string Description)> entries)
    {
        var lines = new List<string> { "", header };
        int nameWidth = entries.Max(e => e.Name.Length);
        int column = Indent.Length + nameWidth + 4;
        bool sideBySide = SideBySide && Width - column >= 40;
        foreach ((string name, string description) in entries)
        {
            if (sideBySide)
                lines.AddRange(WordWrap.Lines(description, Width, new string(' ', column), (Indent + name).PadRight(column)));
            else
            {
                lines.Add(Indent + name);
                if (description.Length > 0) lines.AddRange(WordWrap.Lines(description, Width, DescriptionIndent));
            }
        }
        return lines;
    }

    /// <summary>Lines written as they are: the console never re-wraps them, so an example stays one line when pasted.</summary>
    private sealed class PlainLines(IReadOnlyList<string> lines) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth)
        {
            int widest = lines.Max(l => l.Length);
            return new Measurement(widest, widest);
        }

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            foreach (string line in lines)
            {
                yield return new Segment(line);
                yield return Segment.LineBreak;
            }
        }
    }
}
