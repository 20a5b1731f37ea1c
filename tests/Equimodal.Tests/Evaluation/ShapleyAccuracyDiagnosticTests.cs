using Equimodal.Evaluation;
using Equimodal.Methods;
using Equimodal.Training;
using TorchSharp;

namespace Equimodal.Tests.Evaluation;

public class ShapleyAccuracyDiagnosticTests
{
    [Fact]
    public void Imbalance_degree_is_the_normalised_spread_of_the_shapley_values()
    {
        Assert.Equal(0.5, ShapleyAccuracyDiagnostic.ImbalanceDegree(new[] { 0.3, 0.1 }), 12);   // |0.3 - 0.1| / 0.4
        Assert.Equal(0.0, ShapleyAccuracyDiagnostic.ImbalanceDegree(new[] { 0.2, 0.2 }), 12);
        Assert.Equal(1.0, ShapleyAccuracyDiagnostic.ImbalanceDegree(new[] { 0.4, 0.0 }), 12);
        // Three modalities: sum |phi - mean| / sum |phi| = (0.2 + 0 + 0.2) / 0.6.
        Assert.Equal(2.0 / 3, ShapleyAccuracyDiagnostic.ImbalanceDegree(new[] { 0.4, 0.2, 0.0 }), 12);
        Assert.True(double.IsNaN(ShapleyAccuracyDiagnostic.ImbalanceDegree(new[] { 0.0, 0.0 })));
    }

    [Fact]
    public void BalanceBenchmarks_gap_is_the_mean_absolute_difference_over_pairs()
    {
        Assert.Equal(0.2, ShapleyAccuracyDiagnostic.ShapleyGap(new[] { 0.3, 0.1 }), 12);
        // Pairs (0.4, 0.2), (0.4, 0), (0.2, 0): (0.2 + 0.4 + 0.2) / 3.
        Assert.Equal(0.8 / 3, ShapleyAccuracyDiagnostic.ShapleyGap(new[] { 0.4, 0.2, 0.0 }), 12);
        Assert.Equal(0, ShapleyAccuracyDiagnostic.ShapleyGap(new[] { 0.4 }));
    }

    [Fact]
    public void The_diagnostic_fills_shapley_values_that_add_up_to_full_minus_empty_accuracy()
    {
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 1 }, TestData.TinyModel);
        TrainingResult result = trainer.Fit(MethodRegistry.Create("joint"), TestData.Small);
        var context = new DiagnosticContext(trainer.Model!, TestData.Small, 64, torch.CPU);
        ModelDiagnostics diagnostics = new ShapleyAccuracyDiagnostic().Apply(new ModelDiagnostics(), context);
        var shapley = Equimodal.Attribution.ShapleyValues.OfAccuracy(trainer.Model!, TestData.Small.Test, 64);
        Assert.Equal(shapley.Full - shapley.Empty, diagnostics.ShapleyValues!.Values.Sum(), 9);
        Assert.Equal(result.Test.Accuracy, shapley.Full, 9);
        Assert.Equal(ShapleyAccuracyDiagnostic.ImbalanceDegree(shapley.Values), diagnostics.ImbalanceDegree!.Value, 12);
        Assert.Equal(ShapleyAccuracyDiagnostic.ShapleyGap(shapley.Values), diagnostics.ShapleyGap!.Value, 12);
    }
}
