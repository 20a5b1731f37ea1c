namespace Equimodal.Tasks;

/// <summary>What a model predicts for each sample.</summary>
public enum TaskKind
{
    /// <summary>One class out of several (softmax, cross-entropy).</summary>
    Classification,

    /// <summary>Any set of labels (one sigmoid per label, binary cross-entropy per label).</summary>
    MultiLabel,

    /// <summary>One or more real numbers (mean squared error, or Huber).</summary>
    Regression,
}
