using System.ComponentModel;
using Equimodal.Cli.Settings;
using Equimodal.Experiments;
using Equimodal.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal export`: a run's selected weights as a safetensors or PyTorch file with PyTorch parameter names.</summary>
public sealed class ExportCommand : Command<ExportCommand.Settings>
{
    /// <summary>Flags of `export`.</summary>
    public sealed class Settings : SavedRunSettings
    {
        /// <summary>Format.</summary>
        [CommandOption("--format <FORMAT>")]
        [Description("safetensors (safetensors.torch.load_file) or pt (torch.load).")]
        [DefaultValue("safetensors")]
        public string Format { get; init; } = "safetensors";

        /// <summary>Output file.</summary>
        [CommandOption("--out <FILE>")]
        [Description("File to write; default RUN/model.safetensors or RUN/model.pt.")]
        public string? Out { get; init; }

        /// <summary>Replace an existing output file.</summary>
        [CommandOption("--overwrite")]
        [Description("Replace --out when it exists (it is refused otherwise; a file of the run is never replaced).")]
        public bool Overwrite { get; init; }

        /// <inheritdoc />
        protected override void Check()
        {
            base.Check();
            WeightInterchange.ParseFormat(Format);
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        WeightFormat format = WeightInterchange.ParseFormat(settings.Format);
        RunFolder folder = settings.Folder();
        string output = settings.Out ?? folder.File(format == WeightFormat.Safetensors ? "model.safetensors" : "model.pt");
        OutputPaths.CheckFileTarget(output, "--out", settings.Overwrite, RunFolder.InputFiles.Select(folder.File));
        using MultimodalClassifier model = folder.LoadModel();
        WeightInterchange.Save(model, output, format);
        AnsiConsole.MarkupLine($"Wrote {model.state_dict().Count} tensors to [blue]{Markup.Escape(Path.GetFullPath(output))}[/]");
        return 0;
    }
}
