using Equimodal.Cli.Settings;
using Equimodal.Methods;
using Equimodal.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal methods`: every registered training method with its summary, requirements and options.</summary>
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
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(method.Name)}[/]  {Markup.Escape(method.Summary)}");
            AnsiConsole.WriteLine($"    requires: {method.Requirements}");
            foreach (MethodOption option in MethodRegistry.Options(method.Name))
                AnsiConsole.WriteLine($"    {option.Key}={option.Default}  ({option.Valid}) {option.Description}");
        }
        AnsiConsole.MarkupLine($"[bold]NAME{UnimodalMethod.Suffix}[/]  A single-modality model of modality NAME (e.g. audio-only, visual-only).");
        AnsiConsole.WriteLine("Options: --method-option KEY=VALUE (train) or --method-option METHOD:KEY=VALUE (compare).");
        return 0;
    }
}
