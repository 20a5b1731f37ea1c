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
