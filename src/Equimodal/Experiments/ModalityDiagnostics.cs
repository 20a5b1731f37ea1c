using Equimodal.Evaluation;
using Equimodal.Training;

namespace Equimodal.Experiments;

/// <summary>Computes <see cref="ModelDiagnostics"/> of a finished run.</summary>
public static class ModalityDiagnostics
{
    /// <summary>
    /// The diagnostics of <paramref name="result"/>: what the training already measured, then each of
    /// <paramref name="modelDiagnostics"/> on the model that <paramref name="loadContext"/> provides (only called when there are any).
    /// </summary>
    public static ModelDiagnostics Compute(TrainingResult result, IReadOnlyList<IModelDiagnostic> modelDiagnostics, Func<DiagnosticContext> loadContext)
    {
        var diagnostics = new ModelDiagnostics
        {
            ModalityAccuracy = result.Test.ModalityAccuracy,
            AttributionShares = result.Test.AttributionShares.Count == 0 ? null : result.Test.AttributionShares,
            TrainSeconds = result.TrainSeconds,
            SecondsPerEpoch = result.SecondsPerEpoch,
            SecondsPerStep = result.SecondsPerStep,
        };
        if (modelDiagnostics.Count == 0) return diagnostics;
        DiagnosticContext context = loadContext();
        try
        {
            context.Model.eval();
            return modelDiagnostics.Aggregate(diagnostics, (current, diagnostic) => diagnostic.Apply(current, context));
        }
        finally
        {
            context.Model.Dispose();
        }
    }
}
