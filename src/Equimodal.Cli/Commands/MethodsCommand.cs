using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Methods;
using Equimodal.Tasks;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal methods`: every registered training method with its summary, requirements, tasks and options.</summary>
public sealed class MethodsCommand : Command<MethodsCommand.Settings>
{
    /// <summary>Flags of `methods` (none).</summary>
    public sealed class Settings : CheckedSettings
    {
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (MethodAttribute method in MethodRegistry.Methods)
        {
            Write(method.Summary, $"{method.Name}  ", "    ");
            Write(method.Requirements.ToString(), "    requires: ", "        ");
            Write(method.TaskNames, "    tasks: ", "        ");
            foreach (MethodOption option in MethodRegistry.Options(method.Name))
                Write($"({option.Valid}) {option.Description}", $"    {option.Key}={option.Default}  ", "        ");
        }
        Write("A single-modality model of modality NAME (e.g. audio-only, visual-only).", $"NAME{UnimodalMethod.Suffix}  ", "    ");
        Write(string.Join(", ", Enum.GetValues<TaskKind>().Select(PredictionTask.NameOf)), "    tasks: ", "        ");
        Write("--method-option KEY=VALUE (train) or --method-option METHOD:KEY=VALUE (compare).", "Options: ", "    ");
        return 0;
    }

    /// <summary>Writes <paramref name="lead"/> and <paramref name="text"/> wrapped at spaces, continuation lines indented under their entry.</summary>
    private static void Write(string text, string lead, string continuation)
    {
        foreach (string line in WordWrap.Lines(text, AnsiConsole.Profile.Width, continuation, lead)) AnsiConsole.Console.Profile.Out.Writer.WriteLine(line);
    }
}
