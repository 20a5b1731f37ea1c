using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Models;

namespace Equimodal.Evaluation;

/// <summary>
/// Test accuracy with each modality missing (from the exact coalition accuracies, the <see cref="MissingModality"/>
/// policy) and with each modality's input under its default corruption (<see cref="DefaultCorruption"/>). A model that
/// does not read a modality keeps its full accuracy without it.
/// </summary>
public sealed class RobustnessDiagnostic : IModelDiagnostic
{
    /// <summary>The corruption of a modality of <paramref name="kind"/>: spectrograms and vectors white noise at 0 dB SNR, frames half of each image occluded.</summary>
    public static Corruption DefaultCorruption(string modality, ModalityKind kind) => kind == ModalityKind.Video
        ? new Corruption(modality, "occlusion", 0.5)
        : new Corruption(modality, "noise", 0);

    /// <inheritdoc />
    public ModelDiagnostics Apply(ModelDiagnostics diagnostics, DiagnosticContext context)
    {
        DatasetShapley coalitions = MainMetricShapley.Compute(context.Model, context.Splits.Test, context.ModalityIndices, context.BatchSize);
        IReadOnlyList<string> read = context.Model.ModalityNames;
        var missing = new Dictionary<string, double>();
        var corrupted = new Dictionary<string, double>();
        foreach (ModalitySpec modality in context.Splits.Modalities)
        {
            int m = read.ToList().IndexOf(modality.Name);
            missing[modality.Name] = m < 0 ? coalitions.Full : coalitions.CoalitionAccuracy[ModalityCoalitions.Without(read.Count, m)];
            var condition = new TestCondition(Array.Empty<string>(), new[] { DefaultCorruption(modality.Name, modality.Kind) });
            corrupted[modality.Name] = m < 0 ? coalitions.Full
                : Evaluator.Evaluate(context.Model, context.Splits.Test, context.ModalityIndices, context.BatchSize, context.Device, condition).Accuracy;
        }
        return diagnostics with { AccuracyMissing = missing, AccuracyCorrupted = corrupted };
    }
}
