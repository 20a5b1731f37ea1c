using Equimodal.Tasks;

namespace Equimodal.Training;

/// <summary>
/// Registers a <see cref="TrainingMethod"/> under a name, with what it needs: the class needs a constructor taking
/// <see cref="MethodSettings"/>. Several attributes on one class register variants, which differ only by data: the
/// option values they preset (e.g. "ogm" is "ogm-ge" with noise=off).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class MethodAttribute : Attribute
{
    /// <summary>Registers a method name.</summary>
    public MethodAttribute(string name, string summary)
    {
        Name = name;
        Summary = summary;
    }

    /// <summary>Name used on the command line.</summary>
    public string Name { get; }

    /// <summary>One-line description for --help and reports.</summary>
    public string Summary { get; }

    /// <summary>Option defaults this registration replaces, as "key=value" (a variant of the same class).</summary>
    public string[] Presets { get; set; } = Array.Empty<string>();

    /// <summary>Fewest modalities the method is defined for.</summary>
    public int MinModalities { get; set; } = 1;

    /// <summary>Most modalities the method is defined for (int.MaxValue: any number).</summary>
    public int MaxModalities { get; set; } = int.MaxValue;

    /// <summary>The fusion head the method trains whatever --fusion says (null: the user's choice).</summary>
    public string? Fusion { get; set; }

    /// <summary>The fusion heads the method works with when it does not choose one (empty: any).</summary>
    public string[] Fusions { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The tasks the method is defined for (default: classification only, for methods whose definition needs class
    /// probabilities); a method that needs only the task's loss declares every task.
    /// </summary>
    public TaskKind[] Tasks { get; set; } = { TaskKind.Classification };

    /// <summary>The tasks in words, e.g. "classification, multilabel, regression".</summary>
    public string TaskNames => string.Join(", ", Tasks.Select(PredictionTask.NameOf));

    /// <summary>The requirements in words, e.g. "2 modalities; fusion: concat|sum".</summary>
    public string Requirements
    {
        get
        {
            string modalities = MaxModalities == int.MaxValue ? $"{MinModalities}+ modalities"
                : MinModalities == MaxModalities ? $"{MinModalities} modalities" : $"{MinModalities}-{MaxModalities} modalities";
            string fusion = Fusion is not null ? $"; trains the {Fusion} fusion head" : Fusions.Length > 0 ? $"; fusion: {string.Join("|", Fusions)}" : "";
            return modalities + fusion;
        }
    }
}
