using System.ComponentModel;
using Equimodal.Models;
using Equimodal.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal export`: a run's selected weights as a safetensors or PyTorch file with PyTorch parameter names.</summary>
public sealed class ExportCommand : Command<ExportCommand.Settings>
{
    /// <summary>Flags of `export`.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Run folder.</summary>
        [CommandOption("--run <DIR>")]
        [Description("Run folder written by 'equimodal train'.")]
        public string Run { get; init; } = "";

        /// <summary>Format.</summary>
        [CommandOption("--format <FORMAT>")]
        [Description("safetensors (safetensors.torch.load_file) or pt (torch.load).")]
        [DefaultValue("safetensors")]
        public string Format { get; init; } = "safetensors";

        /// <summary>Output file.</summary>
        [CommandOption("--out <FILE>")]
        [Description("File to write; default RUN/model.safetensors or RUN/model.pt.")]
        public string? Out { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Run)) return ValidationResult.Error("--run is required.");
            try
            {
                WeightInterchange.ParseFormat(Format);
                return ValidationResult.Success();
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        WeightFormat format = WeightInterchange.ParseFormat(settings.Format);
        var folder = new RunFolder(settings.Run);
        string output = settings.Out ?? folder.File(format == WeightFormat.Safetensors ? "model.safetensors" : "model.pt");
        using MultimodalClassifier model = folder.LoadModel();
        WeightInterchange.Save(model, output, format);
        AnsiConsole.MarkupLine($"Wrote {model.state_dict().Count} tensors to [blue]{Markup.Escape(Path.GetFullPath(output))}[/]");
        return 0;
    }
}
