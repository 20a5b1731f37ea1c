using Equimodal.Attribution;
using Equimodal.Cli.Commands;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Methods;
using Equimodal.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli;

/// <summary>Builds and runs the `equimodal` command-line application (also used in-process by the tests).</summary>
public static class EquimodalApp
{
    /// <summary>Every command by name; a new command is one entry here and one registration in <see cref="Create"/>.</summary>
    public static IReadOnlyDictionary<string, Type> Commands { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["demo"] = typeof(DemoCommand),
        ["train"] = typeof(TrainCommand),
        ["evaluate"] = typeof(EvaluateCommand),
        ["predict"] = typeof(PredictCommand),
        ["export"] = typeof(ExportCommand),
        ["compare"] = typeof(CompareCommand),
        ["select"] = typeof(SelectCommand),
        ["explain"] = typeof(ExplainCommand),
        ["report"] = typeof(ReportCommand),
        ["prepare"] = typeof(PrepareCommand),
        ["methods"] = typeof(MethodsCommand),
    };

    /// <summary>
    /// Checks the command line (unknown flags with the closest valid one, values of the wrong type, empty paths), then
    /// runs it; <paramref name="console"/> replaces the terminal. Returns the exit code: 0 success, 2 error.
    /// With <paramref name="instead"/>, the validated settings go to it and the command does not run (tests use this
    /// to check parsing and validation without training).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole? console = null, Action<CommandSettings>? instead = null)
    {
        if (console is null) HonourColumns(AnsiConsole.Console);
        if (args.Count == 0)
        {
            StartGuide.Write(console ?? AnsiConsole.Console);
            return 0;
        }
        CommandApp app = Create(console, instead);
        string? problem = CommandLineCheck.FindProblem(args, Commands);
        if (problem is null) return app.Run(args);
        WriteError(problem);
        return 2;
    }

    /// <summary>Creates the application without the checks of <see cref="Run"/> (unknown flags are still errors); <paramref name="instead"/> as in <see cref="Run"/>.</summary>
    public static CommandApp Create(IAnsiConsole? console = null, Action<CommandSettings>? instead = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("equimodal");
            config.SetApplicationVersion(ReproducibilityInfo.CurrentVersion);
            config.SetHelpProvider(new HelpLayout(config.Settings));
            config.UseStrictParsing();
            if (console is not null)
            {
                // Commands write through AnsiConsole.Console, so a supplied console must become the global one.
                AnsiConsole.Console = console;
                config.ConfigureConsole(console);
            }
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Train audio-only, visual-only, joint and attr-reg models on a small version of the built-in synthetic benchmark (--samples, --epochs and --batch-size set its size) and compare them.");
            config.AddCommand<TrainCommand>("train")
                .WithDescription($"Train one method on a dataset and write a run folder. Methods (options: equimodal methods): {Markup.Escape(MethodRegistry.ValidNames)}.")
                .WithExample("train", "--dataset", "synthetic", "--method", "joint", "--fusion", "concat", "--epochs", "10", "--seed", "1", "--out", "runs/joint-1");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Evaluate a saved run's model on a split of its dataset.")
                .WithExample("evaluate", "--run", "runs/joint-1", "--split", "test");
            config.AddCommand<PredictCommand>("predict")
                .WithDescription("Predict unlabelled files with a saved run: top-k classes and each modality's attribution share per sample.")
                .WithExample("predict", "--run", "runs/mine", "--data", "my-data/manifest.csv", "--out", "predictions.csv");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write a run's weights as safetensors or a PyTorch state dict, with PyTorch parameter names.")
                .WithExample("export", "--run", "runs/joint-1", "--format", "safetensors", "--out", "joint.safetensors");
            config.AddCommand<CompareCommand>("compare")
                .WithDescription($"Train several methods with several seeds each; write results.json, results.md and plots. Methods: {Markup.Escape(MethodRegistry.ValidNames)}.");
            config.AddCommand<SelectCommand>("select")
                .WithDescription("Choose the training method for your data on validation within a budget: successive halving over candidate methods and options, the winner trained to the full schedule and evaluated on test once; writes selection.json and selection.md.")
                .WithExample("select", "--dataset", "synthetic", "--epochs", "12", "--budget", "4", "--out", "select");
            config.AddCommand<MethodsCommand>("methods").WithDescription("List every training method with its summary, requirements and options.");
            config.AddCommand<ExplainCommand>("explain")
                .WithDescription($"Attribute a saved run's predictions to its modalities and draw where the model listened and looked. Attributions: {Markup.Escape(string.Join("; ", AttributionRegistry.All.Select(a => $"{a.Name} ({a.Summary})")))}.").WithExample("explain", "--run", "runs/joint-1", "--count", "4", "--attribution", "ig");
            config.AddCommand<ReportCommand>("report")
                .WithDescription("Write a self-contained report.html (tables, plots, figures; no network needed) of a run folder or a comparison folder.")
                .WithExample("report", "--comparison", "compare")
                .WithExample("report", "--run", "runs/joint-1");
            config.AddCommand<PrepareCommand>("prepare")
                .WithDescription("Extract WAV audio and 1 fps frames from videos with ffmpeg into the cremad or vggsound layout.")
                .WithExample("prepare", "cremad", "--videos", "CREMA-D/VideoFlash", "--out", "data/cremad");
            if (instead is not null) config.SetInterceptor(new StopBeforeRunning(instead));
            config.SetExceptionHandler((exception, _) =>
            {
                if (exception is StopBeforeRunning.Stopped) return 0;
                WriteError((exception is CommandRuntimeException { InnerException: not null } wrapped ? wrapped.InnerException! : exception).Message);
                return 2;
            });
        });
        return app;
    }

    /// <summary>Hands validated settings over and stops the command before it runs.</summary>
    private sealed class StopBeforeRunning(Action<CommandSettings> receive) : ICommandInterceptor
    {
        public void Intercept(CommandContext context, CommandSettings settings)
        {
            receive(settings);
            throw new Stopped();
        }

        public sealed class Stopped : Exception;
    }

    /// <summary>Lays output out for the width in <c>COLUMNS</c> when it is set, as most command-line tools do.</summary>
    private static void HonourColumns(IAnsiConsole console)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0) console.Profile.Width = columns;
    }

    internal static void WriteError(string message) => AnsiConsole.Console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
}
