using System.Text.Json;
using Equimodal.Cli;
using Equimodal.Cli.Commands;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Reporting;
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
        Assert.Equal(Serialize(library with { EquimodalVersion = "" }), Serialize(parsed with { EquimodalVersion = "" }));
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
        // The flags both have mean the same in both: where the data is, which device runs the model, where output goes.
        Assert.Equal(new[] { "data", "device", "out" }, explain.Where(train.Contains).Order().ToArray());
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
