using System.Text.RegularExpressions;
using Equimodal.Methods;
using Equimodal.Tests.Cli;
using Equimodal.Training;

namespace Equimodal.Tests.Methods;

public class MethodRegistryTests
{
    [Fact]
    public void The_method_table_lists_exactly_the_registered_methods_with_their_tasks()
    {
        string[] rows = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "methods.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal)).ToArray();
        var listed = rows.SelectMany(line => Regex.Matches(line.Split('|')[1], "`([^`]+)`").Select(m => (Name: m.Groups[1].Value, Tasks: line.Split('|')[4].Trim())))
            .Where(entry => entry.Name != "NAME-only").OrderBy(entry => entry.Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(MethodRegistry.Methods.Select(m => m.Name), listed.Select(entry => entry.Name));
        foreach (var (name, tasks) in listed)
        {
            string registered = MethodRegistry.Methods.Single(m => m.Name == name).TaskNames;
            Assert.True(tasks == (registered == "classification, multilabel, regression" ? "all three" : registered), $"{name}: docs/methods.md says '{tasks}', the registration '{registered}'");
        }
    }

    [Fact]
    public void A_variant_is_its_presets_and_every_option_is_described()
    {
        Assert.Equal("on", MethodRegistry.Options("ogm-ge").Single(o => o.Key == "noise").Default);
        Assert.Equal("off", MethodRegistry.Options("ogm").Single(o => o.Key == "noise").Default);
        Assert.False(((OgmGeMethod)MethodRegistry.Create("ogm")).AddsNoise);
        Assert.True(((OgmGeMethod)MethodRegistry.Create("ogm", MethodSettings.Parse(new[] { "noise=on" }))).AddsNoise);
        Assert.Equal("ogm", MethodRegistry.Create("ogm").Name);
        foreach (MethodAttribute method in MethodRegistry.Methods)
            Assert.All(MethodRegistry.Options(method.Name), option => Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{method.Name}:{option.Key}"));
    }

    [Fact]
    public void Resolved_options_are_the_given_values_and_every_other_options_default_after_presets()
    {
        var given = new Dictionary<string, string> { ["alpha"] = "0.3" };
        IReadOnlyDictionary<string, string> resolved = MethodRegistry.ResolvedOptions("ogm", given);
        Assert.Equal("0.3", resolved["alpha"]);
        Assert.Equal("off", resolved["noise"]);
        Assert.Equal(MethodRegistry.Options("ogm").Select(o => o.Key).Order(StringComparer.Ordinal), resolved.Keys);
        Assert.Equal("on", MethodRegistry.ResolvedOptions("ogm-ge", given)["noise"]);
        Assert.Empty(MethodRegistry.ResolvedOptions("audio-only", new Dictionary<string, string>()));
        // Every method accepts its own resolved defaults back and resolves them to themselves.
        foreach (MethodAttribute method in MethodRegistry.Methods)
        {
            IReadOnlyDictionary<string, string> defaults = MethodRegistry.ResolvedOptions(method.Name, new Dictionary<string, string>());
            Assert.Equal(defaults, MethodRegistry.ResolvedOptions(method.Name, defaults));
        }
    }

    [Fact]
    public void Requirements_are_checked_with_the_reason()
    {
        Assert.Equal("2 modalities", MethodRegistry.Methods.Single(m => m.Name == "valuation").Requirements);
        Assert.Equal("1+ modalities; trains the shared fusion head", MethodRegistry.Methods.Single(m => m.Name == "mla").Requirements);
        Assert.Equal("shared", MethodRegistry.Create("mla").ConfigureModel(new Equimodal.Models.ModelOptions()).Fusion);
        var three = Assert.Throws<ArgumentException>(() => RunPlan.CheckRequirements(MethodRegistry.Create("valuation"), new[] { "a", "b", "c" }, "concat"));
        Assert.Contains("'valuation' is defined for 2 modalities", three.Message);
        RunPlan.CheckRequirements(MethodRegistry.Create("joint"), new[] { "a", "b", "c" }, "gated");
    }

    [Fact]
    public void The_methods_command_and_the_help_name_every_method()
    {
        var (code, output) = CliRunner.Run("methods");
        Assert.Equal(0, code);
        foreach (MethodAttribute method in MethodRegistry.Methods)
        {
            Assert.Contains(method.Name, output);
            Assert.Contains(method.Requirements, output);
        }
        Assert.Contains("noise=off  (on|off)", output);
        foreach (string command in new[] { "train", "compare" })
        {
            var (_, help) = CliRunner.Run(command, "--help");
            Assert.All(MethodRegistry.Methods, method => Assert.Contains(method.Name, help));
        }
    }

    private static string RepositoryRoot()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "Equimodal.slnx"))) folder = Path.GetDirectoryName(folder);
        return folder ?? throw new InvalidOperationException("The repository root (Equimodal.slnx) was not found above the test binaries.");
    }
}
