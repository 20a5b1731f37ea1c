using Equimodal.Evaluation;

namespace Equimodal.Experiments;

/// <summary>
/// Linear probes of a trained model's frozen encoders (<see cref="LinearProbe"/>: fitted on the training split, selected
/// on validation, reported on test), seeded with the run's training seed, so the numbers are those of
/// `evaluate --run DIR --linear-probe` on the same run.
/// </summary>
public sealed class LinearProbeDiagnostic : IModelDiagnostic
{
    private readonly LinearProbeOptions _options;

    /// <summary>Creates the diagnostic; <paramref name="options"/>' seed is replaced by each run's seed.</summary>
    public LinearProbeDiagnostic(LinearProbeOptions? options = null) => _options = options ?? new LinearProbeOptions();

    /// <inheritdoc />
    public ModelDiagnostics Apply(ModelDiagnostics diagnostics, DiagnosticContext context) => diagnostics with
    {
        LinearProbes = LinearProbe.Run(context.Model, context.Splits, context.BatchSize, context.Device,
            _options with { Seed = context.Seed }),
    };
}
