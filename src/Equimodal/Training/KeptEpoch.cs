using Equimodal.Evaluation;

namespace Equimodal.Training;

/// <summary>
/// The score by which a run chooses the epoch whose weights it keeps (<see cref="TrainingOptions.KeepEpoch"/>): the
/// epoch with the highest score on the validation split wins, the earlier one on a tie.
/// </summary>
public static class KeptEpoch
{
    /// <summary>The rules: "accuracy" (the default) and "modalities".</summary>
    public static readonly IReadOnlyList<string> Rules = new[] { "accuracy", "modalities" };

    /// <summary>
    /// The score of <paramref name="validation"/> under <paramref name="rule"/>. "accuracy": the task's main metric.
    /// "modalities": the mean of the main metric and the mean of the modalities' own values, so that an epoch whose
    /// fused accuracy ties or nearly ties another's but whose weak encoder has collapsed is not kept (the fused
    /// accuracy of a model with a dominant modality moves little when the other encoder falls to chance). Without
    /// modality values (a single-modality model) it is the main metric. NaN when a value is undefined.
    /// </summary>
    public static double Score(string rule, EvaluationResult validation) => rule switch
    {
        "accuracy" => validation.Accuracy,
        "modalities" => validation.ModalityAccuracy.Count == 0
            ? validation.Accuracy
            : (validation.Accuracy + validation.ModalityAccuracy.Values.Average()) / 2,
        _ => throw new ArgumentException($"Unknown kept-epoch rule '{rule}'. Valid rules: {string.Join(", ", Rules)}."),
    };
}
