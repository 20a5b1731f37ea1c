using Equimodal.Data.Images;
using System.Text.Json;
using Equimodal.Cli;
using Equimodal.Cli.Commands;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Experiments;
using Equimodal.Training;
using Spectre.Console.Cli;
using Spectre.Console.Testing;

namespace Equimodal.Tests.Cli;

/// <summary>The CLI settings seam: defaults from the library's option records, the parts, the saved-run base.</summary>
public class SettingsTests
{
    /// <summary>Parses and validates <paramref name="args"/> without running the command; returns the settings (null when rejected) and the output.</summary>
    public static (T? Settings, int ExitCode, string Output) Parse<T>(params string[] args) where T : CommandSettings
    {
        var console = new TestConsole();
        console.Profile.Width = 400;
        CommandSettings? parsed = null;
        int code = EquimodalApp.Run(args, console, settings => parsed = settings);
        return ((T?)parsed, code, console.Output);
    }

    [Fact]
    public void Train_without_flags_gives_exactly_the_library_defaults()
    {
        var (settings, code, output) = Parse<TrainCommand.Settings>("train");
        Assert.True(code == 0, output);
        RunConfig parsed = settings!.ToConfig(settings.Method);
        RunConfig library = new();
        // The one intended difference: on the command line, image settings not given follow the folder dataset's files.
        Assert.Equal(ImageDetection.All, parsed.Dataset.Files.DetectImage);
        Assert.Equal(ImageDetection.None, library.Dataset.Files.DetectImage);
        parsed = parsed with { Dataset = parsed.Dataset with { Files = parsed.Dataset.Files with { DetectImage = ImageDetection.None } } };
        Assert.Equal(Serialize(library with { EquimodalVersion = "" }), Serialize(parsed with { EquimodalVersion = "" }));
    }

    [Fact]
    public void Demo_has_its_own_smaller_size_and_averaging_defaults_and_still_takes_the_benchmark_size()
    {
        var (demo, code, output) = Parse<DemoCommand.Settings>("demo");
        Assert.True(code == 0, output);
        RunConfig small = demo!.ToConfig("joint");
        Assert.Equal((DemoCommand.Settings.DefaultSamples, DemoCommand.Settings.DefaultEpochs, DemoCommand.Settings.DefaultBatchSize, DemoCommand.Settings.DefaultEma),
            (small.Dataset.Synthetic.Samples, small.Training.Epochs, small.Training.BatchSize, small.Training.EmaDecay));
        Assert.True(small.Dataset.Synthetic.Samples < new SyntheticOptions().Samples && small.Training.Epochs < new TrainingOptions().Epochs);
        // Everything else is the library's default, as for train; the benchmark's size is three flags away.
        RunConfig library = new() { Method = "joint" };
        Assert.Equal(Serialize(library with { EquimodalVersion = "" }), Serialize(small with
        {
            EquimodalVersion = "",
            Dataset = small.Dataset with { Synthetic = library.Dataset.Synthetic, Files = small.Dataset.Files with { DetectImage = ImageDetection.None } },
            Training = small.Training with { Epochs = library.Training.Epochs, BatchSize = library.Training.BatchSize, EmaDecay = library.Training.EmaDecay },
        }));
        var (full, _, _) = Parse<DemoCommand.Settings>("demo", "--samples", "1800", "--epochs", "10", "--batch-size", "32", "--ema", "0");
        RunConfig benchmark = full!.ToConfig("joint");
        Assert.Equal((1800, 10, 32, 0.0), (benchmark.Dataset.Synthetic.Samples, benchmark.Training.Epochs, benchmark.Training.BatchSize, benchmark.Training.EmaDecay));
        // --help shows each command's own default.
        Assert.Contains($"{DemoCommand.Settings.DefaultEpochs}", HelpLine("demo", "--epochs"));
        Assert.Contains($"{new TrainingOptions().Epochs}", HelpLine("train", "--epochs"));
        Assert.Contains($"{DemoCommand.Settings.DefaultEma}", HelpLine("demo", "--ema"));
    }

    private static string HelpLine(string command, string flag)
    {
        var console = new TestConsole();
        console.Profile.Width = 400;
        EquimodalApp.Run(new[] { command, "--help" }, console);
        return console.Output.Split('\n').Single(l => l.TrimStart().StartsWith(flag + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_option_of_every_command_has_a_default_that_matches_its_record()
    {
        foreach (Type command in EquimodalApp.Commands.Values)
        {
            foreach (CommandOption option in CommandOptions.Of(CommandLineCheck.SettingsTypeOf(command)))
            {
                if (option.Property.GetCustomAttributes(typeof(DefaultFromAttribute), true).SingleOrDefault() is not DefaultFromAttribute from) continue;
                Assert.Equal(option.ValueType, from.Property.PropertyType);
                Assert.NotNull(from.Value);
            }
        }
    }

    [Fact]
    public void Data_seed_reaches_the_synthetic_benchmark()
    {
        var (settings, code, output) = Parse<TrainCommand.Settings>("train", "--data-seed", "7", "--samples", "120");
        Assert.True(code == 0, output);
        DatasetRequest request = settings!.ToDatasetRequest();
        Assert.Equal(7, request.Synthetic.DataSeed);
        Assert.Equal(7, request.Files.DataSeed);
        float[] Pixels(DatasetRequest r) => DatasetCatalog.Load(r).Test.GetBatch(new[] { 0 }, Augmentation.None).Inputs[1].data<float>().ToArray();
        Assert.NotEqual(Pixels(request with { Synthetic = request.Synthetic with { DataSeed = 0 } }), Pixels(request));
    }

    [Fact]
    public void The_commands_that_open_a_run_share_one_base()
    {
        Assert.True(typeof(SavedRunSettings).IsAssignableFrom(typeof(ExportCommand.Settings)));
        Assert.True(typeof(SavedRunDataSettings).IsAssignableFrom(typeof(EvaluateCommand.Settings)));
        Assert.True(typeof(SavedRunDataSettings).IsAssignableFrom(typeof(ExplainCommand.Settings)));
        foreach (Type command in new[] { typeof(EvaluateCommand), typeof(ExplainCommand), typeof(ExportCommand) })
        {
            var options = CommandOptions.Of(CommandLineCheck.SettingsTypeOf(command));
            Assert.Single(options, o => o.Name == "run");
        }
    }

    [Fact]
    public void Explain_flags_do_not_share_a_name_with_a_different_meaning_in_train()
    {
        var train = CommandOptions.Of(typeof(TrainCommand.Settings)).Select(o => o.Name).ToHashSet();
        var explain = CommandOptions.Of(typeof(ExplainCommand.Settings)).Select(o => o.Name);
        // The flags both have mean the same in both: where the data is, which device runs the model, where output goes,
        // and whether what is there may be replaced.
        Assert.Equal(new[] { "data", "device", "out", "overwrite" }, explain.Where(train.Contains).Order().ToArray());
    }

    [Fact]
    public void Every_command_is_listed_and_every_settings_class_is_checked()
    {
        Type[] commands = typeof(EquimodalApp).Assembly.GetTypes().Where(t => typeof(ICommand).IsAssignableFrom(t) && !t.IsAbstract).ToArray();
        Assert.Equal(commands.OrderBy(t => t.Name), EquimodalApp.Commands.Values.OrderBy(t => t.Name));
        Assert.All(commands, c => Assert.True(typeof(CheckedSettings).IsAssignableFrom(CommandLineCheck.SettingsTypeOf(c)), c.Name));
    }

    private static string Serialize(RunConfig config) => JsonSerializer.Serialize(config, Json.Indented);
}
