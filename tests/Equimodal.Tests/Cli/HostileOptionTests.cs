using Equimodal.Cli;
using Equimodal.Cli.Commands;

namespace Equimodal.Tests.Cli;

/// <summary>Options a hostile or careless user gives: each is refused with a message that names the flag.</summary>
public class HostileOptionTests
{
    private static (TrainCommand.Settings? Settings, int ExitCode, string Output) ParseTrain(params string[] args) =>
        SettingsTests.Parse<TrainCommand.Settings>(new[] { "train" }.Concat(args).ToArray());

    public static TheoryData<string> CommandNames() => new(EquimodalApp.Commands.Keys);

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_rejects_an_unknown_option_naming_it(string command)
    {
        var (_, code, output) = SettingsTests.Parse<Spectre.Console.Cli.CommandSettings>(command, "--frobnicate", "3");
        Assert.Equal(2, code);
        Assert.Contains("no option --frobnicate", output);
    }

    [Theory]
    [InlineData("--method-options", "lambda=5", "Did you mean --method-option?")]
    [InlineData("--epoch", "2", "Did you mean --epochs?")]
    [InlineData("--learning-rate", "0.1", "'train' has no option --learning-rate")]
    public void A_misspelled_flag_is_an_error_suggesting_the_closest_one(string flag, string value, string message)
    {
        var (settings, code, output) = ParseTrain(flag, value);
        Assert.Null(settings);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Theory]
    [InlineData("--samples", "--count")]
    [InlineData("--method", "--attribution")]
    public void A_renamed_flag_names_the_flag_it_became_on_the_command_line_and_in_a_config_file(string former, string current)
    {
        var (_, code, output) = SettingsTests.Parse<ExplainCommand.Settings>("explain", "--run", TestData.TempFolder(), former, "2");
        Assert.Equal(2, code);
        Assert.Contains($"'explain' has no option {former} any more: it is now {current}.", output);
        string file = Path.Combine(TestData.TempFolder(), "explain.json");
        File.WriteAllText(file, $$"""{ "{{former[2..]}}": 2 }""");
        var error = Assert.Throws<ArgumentException>(() => ConfigFile.Apply(new ExplainCommand.Settings(), file, Array.Empty<string>()));
        Assert.Equal($"{file}: key '{former[2..]}' is now '{current[2..]}'; rename it.", error.Message);
    }

    [Theory]
    [InlineData("--ema", "1", "--ema must be in [0, 1)")]
    [InlineData("--epochs", "0", "--epochs must be a positive integer")]
    [InlineData("--batch-size", "0", "--batch-size must be a positive integer")]
    [InlineData("--samples", "3", "--samples must be at least 5 per class (30) and at most 1,000,000, got 3")]
    public void The_demo_names_its_own_flags_in_a_refused_value_though_their_defaults_are_its_own(string flag, string value, string message) =>
        AssertRefusedInFlagTerms<DemoCommand.Settings>("demo", flag, value, message);

    [Theory]
    [InlineData("--samples", "3", "--samples must be at least 5 per class (30) and at most 1,000,000, got 3")]
    [InlineData("--classes", "1", "--classes must be in 2..1000, got 1")]
    [InlineData("--audio-noise", "-1", "--audio-noise must be non-negative and finite, got -1")]
    [InlineData("--visual-noise", "-0.5", "--visual-noise must be non-negative and finite, got -0.5")]
    public void A_refused_synthetic_benchmark_value_names_its_flag_and_the_value_given(string flag, string value, string message) =>
        AssertRefusedInFlagTerms<TrainCommand.Settings>("train", flag, value, message);

    // The library's messages name "Record.Property"; the command line must show the flag instead.
    private static void AssertRefusedInFlagTerms<T>(string command, string flag, string value, string message) where T : Spectre.Console.Cli.CommandSettings
    {
        var (settings, code, output) = SettingsTests.Parse<T>(command, flag, value);
        Assert.Null(settings);
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
        Assert.DoesNotContain("TrainingOptions.", output);
        Assert.DoesNotContain("SyntheticOptions.", output);
    }

    [Fact]
    public void Strict_parsing_rejects_unknown_options_even_without_the_pre_check()
    {
        var console = new Spectre.Console.Testing.TestConsole();
        int code = EquimodalApp.Create(console).Run(new[] { "train", "--frobnicate", "3" });
        Assert.Equal(2, code);
        Assert.Contains("frobnicate", console.Output);
    }

    [Theory]
    [InlineData("100000")]
    [InlineData("257")]
    [InlineData("-1")]
    public void Threads_are_bounded(string threads)
    {
        var (_, code, output) = ParseTrain("--threads", threads);
        Assert.Equal(2, code);
        Assert.Contains("--threads must be in 0..256", output);
    }

    [Fact]
    public void The_largest_thread_count_is_accepted()
    {
        var (settings, code, output) = ParseTrain("--threads", "256");
        Assert.True(code == 0, output);
        Assert.Equal(256, settings!.Threads);
    }
}

public class HostileOptionValueTests
{
    private static (TrainCommand.Settings? Settings, int ExitCode, string Output) ParseTrain(params string[] args) =>
        SettingsTests.Parse<TrainCommand.Settings>(new[] { "train" }.Concat(args).ToArray());

    [Theory]
    [InlineData("--mels", "1000")]
    [InlineData("--n-fft", "0")]
    [InlineData("--hop", "0")]
    [InlineData("--sample-rate", "0")]
    [InlineData("--clip-seconds", "0")]
    public void Spectrogram_flags_without_a_preset_are_refused_instead_of_dropped(string flag, string value)
    {
        var (_, code, output) = ParseTrain(flag, value);
        Assert.Equal(2, code);
        Assert.Contains($"{flag} set the logmel spectrogram: add --audio-preset logmel", output);
    }

    [Theory]
    [InlineData("--mels", "1000", "Mel bands must be in 0..257")]
    [InlineData("--n-fft", "0", "FFT size must be in 16..65536")]
    [InlineData("--hop", "0", "hop must be in 1..512")]
    [InlineData("--sample-rate", "0", "sample rate must be in 1000..384000")]
    [InlineData("--clip-seconds", "0", "shorter than half an FFT window")]
    public void Spectrogram_flags_with_the_logmel_preset_are_validated_even_for_synthetic_data(string flag, string value, string message)
    {
        var (_, code, output) = ParseTrain("--audio-preset", "logmel", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void Spectrogram_flags_with_the_logmel_preset_reach_the_configuration_and_ogm_ge_refuses_them()
    {
        var (settings, code, output) = ParseTrain("--audio-preset", "logmel", "--mels", "40", "--hop", "80");
        Assert.True(code == 0, output);
        var spectrogram = settings!.ToDatasetRequest().Files.Spectrogram!;
        Assert.Equal((40, 80, 512), (spectrogram.MelBands, spectrogram.HopLength, spectrogram.FftSize));
        var (_, ogmCode, ogmOutput) = ParseTrain("--audio-preset", "ogm-ge", "--hop", "80");
        Assert.Equal(2, ogmCode);
        Assert.Contains("the ogm-ge preset has fixed settings", ogmOutput);
    }

    [Theory]
    [InlineData("modality-dropout", "p=NaN")]
    [InlineData("attr-reg", "lambda=NaN")]
    [InlineData("ogm-ge", "alpha=Infinity")]
    public void A_non_finite_method_option_is_refused_at_parse_time(string method, string option)
    {
        var (_, code, output) = ParseTrain("--method", method, "--method-option", option);
        Assert.Equal(2, code);
        Assert.Contains($"Method option {option} is invalid", output);
    }

    [Fact]
    public void Compare_checks_every_method_option_at_parse_time()
    {
        var (_, code, output) = SettingsTests.Parse<CompareCommand.Settings>("compare", "--methods", "joint,modality-dropout", "--method-option", "modality-dropout:p=NaN");
        Assert.Equal(2, code);
        Assert.Contains("Method option p=NaN is invalid", output);
    }

    [Theory]
    [InlineData("--clip", "NaN")]
    [InlineData("--gamma", "NaN")]
    [InlineData("--image-pca-removal", "NaN")]
    [InlineData("--weight-decay", "NaN")]
    [InlineData("--audio-snr", "NaN")]
    [InlineData("--lr", "Infinity")]
    public void Non_finite_numbers_are_refused_naming_the_flag(string flag, string value)
    {
        var (_, code, output) = ParseTrain(flag, value);
        Assert.Equal(2, code);
        Assert.Contains($"{flag} must be a finite number, got {value}", output);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_flag()
    {
        var (_, code, output) = ParseTrain("--lr", "abc");
        Assert.Equal(2, code);
        Assert.Contains("--lr expects a number, got 'abc'", output);
        Assert.DoesNotContain("Double", output);
        var (_, intCode, intOutput) = ParseTrain("--epochs", "2.5");
        Assert.Equal(2, intCode);
        Assert.Contains("--epochs expects an integer, got '2.5'", intOutput);
        var (_, modeCode, modeOutput) = ParseTrain("--on-bad-sample", "ignore");
        Assert.Equal(2, modeCode);
        Assert.Contains("--on-bad-sample must be one of fail, skip, got 'ignore'", modeOutput);
    }

    [Theory]
    [InlineData("train", "--out")]
    [InlineData("train", "--data")]
    [InlineData("compare", "--out")]
    [InlineData("evaluate", "--run")]
    public void An_empty_path_is_refused(string command, string flag)
    {
        var (_, code, output) = SettingsTests.Parse<Spectre.Console.Cli.CommandSettings>(command, flag, "");
        Assert.Equal(2, code);
        Assert.Contains($"{flag} needs a path, got an empty string", output);
    }

    [Fact]
    public void A_config_file_with_a_key_twice_is_refused()
    {
        string file = Path.Combine(TestData.TempFolder(), "options.json");
        File.WriteAllText(file, "{\"epochs\": 2, \"epochs\": 3}");
        var (code, output) = CliRunner.Run("train", "--config", file, "--samples", "120");
        Assert.Equal(2, code);
        Assert.Contains("key 'epochs' appears twice", output);
    }

    [Fact]
    public void Resume_warns_which_flags_it_ignores()
    {
        Assert.Equal(new[] { "--epochs", "--lr" }, TrainCommand.IgnoredOnResume(new[] { "--resume", "run", "--epochs", "3", "--lr=0.1" }));
        var (code, output) = CliRunner.Run("train", "--resume", TestData.TempFolder(), "--epochs", "3");
        Assert.Equal(2, code);
        Assert.Contains("ignored: --epochs", output);
    }
}
