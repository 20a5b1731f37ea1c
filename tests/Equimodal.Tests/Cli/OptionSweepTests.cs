using Equimodal.Cli;
using Equimodal.Cli.Settings;
using Spectre.Console.Cli;

namespace Equimodal.Tests.Cli;

/// <summary>
/// Every option of every command (found by reflection, so options added later are swept too) given NaN, infinities,
/// negative, zero, huge and non-numeric values: parsed and validated in-process without running anything.
/// </summary>
public class OptionSweepTests
{
    private static readonly string[] NeverValidNumbers = { "NaN", "Infinity", "-Infinity", "abc", "1,5", "" };
    private static readonly string[] EdgeNumbers = { "-1", "0", "2147483647", "-2147483648", "1e308" };

    /// <summary>What a command needs besides the swept flag to reach validation: a run folder, a positional argument.</summary>
    private static string[] Required(Type settings, string folder)
    {
        var args = new List<string>();
        if (settings.GetProperties().Any(p => p.GetCustomAttributes(typeof(CommandArgumentAttribute), true).Length > 0)) args.Add("cremad");
        if (typeof(SavedRunSettings).IsAssignableFrom(settings)) args.AddRange(new[] { "--run", folder });
        return args.ToArray();
    }

    [Fact]
    public void No_value_of_any_option_crashes_and_meaningless_numbers_are_refused_naming_the_flag()
    {
        string folder = TestData.TempFolder();
        var failures = new List<string>();
        int cases = 0;
        foreach ((string command, Type type) in EquimodalApp.Commands)
        {
            Type settings = CommandLineCheck.SettingsTypeOf(type);
            foreach (CommandOption option in CommandOptions.Of(settings).Where(o => !o.IsSwitch))
            {
                bool numeric = option.ValueType == typeof(int) || option.ValueType == typeof(double);
                string[] values = numeric ? NeverValidNumbers.Concat(EdgeNumbers).ToArray() : new[] { "", "-1", "NaN", "zzz" };
                foreach (string value in values)
                {
                    cases++;
                    string[] args = new[] { command }.Concat(Required(settings, folder)).Concat(new[] { option.Flag, value }).ToArray();
                    var (parsed, code, output) = SettingsTests.Parse<CommandSettings>(args);
                    string shown = $"{string.Join(' ', args)} -> {code}: {output.Trim()}";
                    if (code is not (0 or 2) || output.Contains("   at ") || output.Contains("Exception")) failures.Add("crash: " + shown);
                    else if (code == 2 && !output.Contains("error:")) failures.Add("no error message: " + shown);
                    else if (code == 0 && parsed is null) failures.Add("accepted but not parsed: " + shown);
                    else if (numeric && NeverValidNumbers.Contains(value) && !(code == 2 && output.Contains(option.Flag))) failures.Add("not refused naming the flag: " + shown);
                }
            }
        }
        Assert.True(cases > 500, $"only {cases} cases: the sweep lost its options");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
