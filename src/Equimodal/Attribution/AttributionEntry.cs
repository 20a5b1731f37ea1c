using Equimodal.Models;

namespace Equimodal.Attribution;

/// <summary>One attribution method by name.</summary>
/// <param name="Name">Name on the command line (explain --attribution, attr-reg's attribution option).</param>
/// <param name="Summary">One line for help and messages.</param>
/// <param name="Settings">The options it reads; the others are refused rather than ignored.</param>
/// <param name="Trainable">True when it gives attributions a training loss can back-propagate through (attr-reg).</param>
/// <param name="Create">Makes the method for a model.</param>
public sealed record AttributionEntry(string Name, string Summary, IReadOnlyList<AttributionSetting> Settings, bool Trainable, Func<MultimodalClassifier, AttributionMethod> Create);
