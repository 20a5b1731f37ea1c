using Equimodal.Methods;
using Equimodal.Training;

namespace Equimodal.Tests.Methods;

public class MethodWarningTests
{
    [Theory]
    [InlineData("gblend", "every=10", 10, "gblend: every=10 is not below the run's 10 epochs, so the blending weights are never estimated and every head keeps weight 1/3")]
    [InlineData("gblend", "every=3", 10, null)]
    [InlineData("valuation", "warmup=5", 5, "valuation: warmup=5 is not below the run's 5 epochs, so no sample is ever re-sampled and the run equals joint")]
    [InlineData("valuation", "warmup=5", 6, null)]
    public void A_setting_that_switches_the_method_off_for_the_run_is_reported(string name, string option, int epochs, string? expected)
    {
        var warnings = new List<string>();
        using var bench = new MethodTestBench(MethodRegistry.Create(name, MethodSettings.Parse(new[] { option })), epochs, warn: warnings.Add);
        if (expected is null) Assert.Empty(warnings);
        else Assert.StartsWith(expected, Assert.Single(warnings));
    }
}
