namespace Equimodal.Inference;

/// <summary>The model's answer for one sample.</summary>
/// <param name="Id">Sample id.</param>
/// <param name="Probabilities">Softmax probability of every class, in the run's class order.</param>
/// <param name="Shares">Each modality's attribution share (Gradient x Input of the predicted class at the fusion input, summing to 1; 0 for a missing modality).</param>
/// <param name="Missing">Modalities the sample lacked; the prediction comes from the others.</param>
public sealed record Prediction(string Id, IReadOnlyList<double> Probabilities, IReadOnlyList<double> Shares, IReadOnlyList<string> Missing)
{
    /// <summary>Index of the most probable class.</summary>
    public int Predicted => Probabilities.Select((p, c) => (p, c)).MaxBy(x => x.p).c;

    /// <summary>The <paramref name="k"/> most probable classes (index, probability), most probable first; ties keep class order.</summary>
    public IReadOnlyList<(int Class, double Probability)> Top(int k) =>
        Probabilities.Select((p, c) => (Class: c, Probability: p)).OrderByDescending(x => x.Probability).ThenBy(x => x.Class).Take(k).ToArray();
}
