namespace Equimodal.Evaluation;

/// <summary>
/// A diagnostic that needs the trained model (e.g. Shapley values over modalities, attribution shares): it fills in its
/// fields of <see cref="ModelDiagnostics"/>. Comparisons run every registered diagnostic on every run.
/// </summary>
public interface IModelDiagnostic
{
    /// <summary>Returns <paramref name="diagnostics"/> with this diagnostic's fields filled in.</summary>
    ModelDiagnostics Apply(ModelDiagnostics diagnostics, DiagnosticContext context);
}
