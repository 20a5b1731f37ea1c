using Equimodal.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli;

/// <summary>Builds the `equimodal` command-line application (also used in-process by the tests).</summary>
public static class EquimodalApp
{
    /// <summary>Creates the application; <paramref name="console"/> replaces the terminal (tests capture output with it).</summary>
    public static CommandApp Create(IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("equimodal");
            if (console is not null)
            {
                // Commands write through AnsiConsole.Console, so a supplied console must become the global one.
                AnsiConsole.Console = console;
                config.ConfigureConsole(console);
            }
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Train audio-only, visual-only and joint models on the built-in synthetic benchmark and compare them.");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train one method on a dataset and write a run folder.")
                .WithExample("train", "--dataset", "synthetic", "--method", "joint", "--fusion", "concat", "--epochs", "10", "--seed", "1", "--out", "runs/joint-1");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Evaluate a saved run's model on a split of its dataset.")
                .WithExample("evaluate", "--run", "runs/joint-1", "--split", "test");
            config.AddCommand<PredictCommand>("predict")
                .WithDescription("Predict unlabelled files with a saved run: top-k classes and each modality's attribution share per sample.")
                .WithExample("predict", "--run", "runs/joint-1", "--data", "new/manifest.csv", "--out", "predictions.csv");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write a run's weights as safetensors or a PyTorch state dict, with PyTorch parameter names.")
                .WithExample("export", "--run", "runs/joint-1", "--format", "safetensors", "--out", "joint.safetensors");
            config.AddCommand<CompareCommand>("compare").WithDescription("Train several methods with several seeds each; write results.json, results.md and plots.");
            config.AddCommand<ExplainCommand>("explain").WithDescription("Attribute a saved run's predictions to its modalities and draw where the model listened and looked.").WithExample("explain", "--run", "runs/joint-1", "--samples", "4", "--method", "ig");
            config.AddCommand<PrepareCommand>("prepare")
                .WithDescription("Extract WAV audio and 1 fps frames from videos with ffmpeg into the cremad or vggsound layout.")
                .WithExample("prepare", "cremad", "--videos", "CREMA-D/VideoFlash", "--out", "data/cremad");
            config.SetExceptionHandler((exception, _) =>
            {
                Exception shown = exception is CommandRuntimeException { InnerException: not null } wrapped ? wrapped.InnerException! : exception;
                AnsiConsole.Console.MarkupLine($"[red]error:[/] {Markup.Escape(shown.Message)}");
                return 2;
            });
        });
        return app;
    }
}
