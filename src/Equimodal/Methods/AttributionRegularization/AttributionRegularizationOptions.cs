using Equimodal.Attribution;
using Equimodal.Models;
using Equimodal.Tasks;
using Equimodal.Training;

namespace Equimodal.Methods.AttributionRegularization;

/// <summary>
/// attr-reg's options as it reads them from --method-option: how shares are measured, the penalty, the target policy and
/// the added losses. Options renamed since are refused under their former names (<see cref="FormerNames"/>).
/// </summary>
public sealed class AttributionRegularizationOptions
{
    /// <summary>
    /// Every former option name with its current name: refused on the command line naming the current one, and read
    /// under the current one from a saved run's config.json.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FormerNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["target"] = "attributed-class",
        ["targets"] = "target-shares",
        ["ratios"] = "target-ratios",
        ["steps"] = "ig-steps",
        ["layer"] = "attribution-layer",
        ["baseline"] = "drop-baseline",
        ["penalty"] = "penalty-per",
        ["scope"] = "penalty-scope",
        ["warmup"] = "warmup-epochs",
        ["unimodal"] = "unimodal-weight",
        ["distill"] = "distill-weight",
        ["teachers"] = "teacher-weight",
        ["normalize"] = "embedding-norm",
    };

    /// <summary>The former option that became a training option.</summary>
    public const string FormerDiagnostics = "diagnostics";

    private static readonly string[] ClassChoices = { "top", "true" };
    private static readonly string[] PoolingChoices = { "l2", "l1", "net" };
    private static readonly string[] QuantityChoices = { "logit", "log-prob", "drop" };
    private static readonly string[] BaselineChoices = { "mean", "zero" };
    private static readonly string[] ScopeChoices = { "fusion", "all" };
    private static readonly string[] PenaltyChoices = { "sample", "batch" };
    private static readonly string[] LayerChoices = { "fusion", "last-block" };
    private static readonly string[] DirectionChoices = { "both", "down" };

    /// <summary>Reads the options from <paramref name="settings"/> (a registration's presets as defaults).</summary>
    public AttributionRegularizationOptions(MethodSettings settings)
    {
        foreach (var (former, current) in FormerNames) settings.FormerName(former, current);
        settings.Withdraw(FormerDiagnostics, "the modality-use diagnostic is a training option for every method now: give --modality-use true (library: TrainingOptions.ModalityUse).");
        // The publication gives no lambda; 1 worked best of those tried on the built-in benchmark (README).
        Lambda = settings.Number("lambda", 1.0, 0, 1e6, "weight of the attribution penalty");
        WarmupEpochs = settings.Integer("warmup-epochs", 0, 0, 10_000, "epochs of the linear ramp of lambda from 0");
        Attribution = settings.Choice("attribution", "gxi", AttributionRegistry.TrainableNames, "gradient x input or integrated gradients");
        IntegrationSteps = settings.Integer("ig-steps", 8, 1, 1024, "integration steps of attribution=ig");
        TrueClass = settings.Choice("attributed-class", "top", ClassChoices, "class attributed: the top-scoring or the true one") == "true";
        Pooling = settings.Choice("pooling", "l2", PoolingChoices, "pooling of a modality's attribution into one number: its L2 or L1 norm, or net: its signed sum clamped at 0 (evidence for the class, so a modality cannot meet its share by arguing against it)") switch
        {
            "l1" => AttributionPooling.L1,
            "net" => AttributionPooling.Net,
            _ => AttributionPooling.L2,
        };
        string distance = settings.Choice("distance", "l1", SharePenalty.Distances, "distance between shares and targets");
        TargetShares = settings.Choice("target-shares", "uniform", TargetPolicy.Names, "target shares: uniform, given ratios, current validation accuracies, uniform on the samples every modality informs, or inverse unimodal errors");
        TargetRatios = settings.Text("target-ratios", "", "target ratios for target-shares=ratios, e.g. 2,1");
        FusionOnly = settings.Choice("penalty-scope", "all", ScopeChoices, "layers the penalty trains: all, or fusion only via a separate optimizer") == "fusion";
        DownOnly = settings.Choice("penalty-direction", "both", DirectionChoices, "contributions the penalty may move: both (every modality's), or down (only those of modalities above their target share, per sample: the dominant modality's attribution is lowered, a weak one's is never inflated)") == "down";
        Penalty = new SharePenalty(distance, settings.Choice("penalty-per", "sample", PenaltyChoices, "distance per sample (averaged), or of the batch-mean shares") == "batch");
        Quantity = settings.Choice("quantity", "logit", QuantityChoices, "attributed quantity: the raw logit, the log-probability of the class, or the drop of the true-class log-probability when a modality is replaced");
        MeanBaseline = settings.Choice("drop-baseline", "mean", BaselineChoices, "replacement of a modality for quantity=drop: the batch-mean embedding or zero") == "mean";
        UnimodalWeight = settings.NumberOr("auto", "unimodal-weight", "0", 0, 1e6,
            $"weight of the task's loss on each modality's own logits (mean over the modalities); auto: {AutoClassificationWeight} for classification, {AutoOtherTaskWeight} for multi-label and regression");
        DistillWeight = settings.Number("distill-weight", 0.0, 0, 1e6, "weight of MBSD's self-distillation between the modalities' own logits (confidence-gap-weighted logit distance plus KL from the stronger modality to the weaker, per sample)");
        Layer = settings.Choice("attribution-layer", "fusion", LayerChoices, "where attributions are taken: the fusion input, or each encoder's last block before pooling") == "last-block" ? AttributionLayer.LastBlock : AttributionLayer.Embedding;
        EmbeddingNorm = settings.Choice("embedding-norm", "none", ModelOptions.EmbeddingNorms.ToArray(), "sets the model's embedding normalisation (kept at test time): none (the model's own), l2, or layernorm without affine");
        TeacherWeight = settings.Number("teacher-weight", 0.0, 0, 1e6, "weight of UMT's feature distillation toward unimodal teachers trained first (0: no teachers)");
        TeacherEpochs = UnimodalTeachers.EpochsOption(settings);
        if (TeacherWeight == 0 && TeacherEpochs != -1) throw new ArgumentException($"Method option teacher-epochs={TeacherEpochs} needs teacher-weight above 0 (e.g. teacher-weight=1).");
        if (TargetShares != "ratios" && TargetRatios.Length > 0) throw new ArgumentException($"Method option target-ratios={TargetRatios} needs target-shares=ratios.");
    }

    /// <summary>Weight of the attribution penalty after the warm-up.</summary>
    public double Lambda { get; }

    /// <summary>Epochs of the linear ramp of lambda from 0.</summary>
    public int WarmupEpochs { get; }

    /// <summary>The trainable attribution method's name (<see cref="AttributionRegistry"/>).</summary>
    public string Attribution { get; }

    /// <summary>Integrated Gradients' evaluation points.</summary>
    public int IntegrationSteps { get; }

    /// <summary>True: the true class is attributed; false: the top-scoring one.</summary>
    public bool TrueClass { get; }

    /// <summary>How a modality's attribution becomes one number.</summary>
    public AttributionPooling Pooling { get; }

    /// <summary>The target policy's name (<see cref="TargetPolicy.Names"/>).</summary>
    public string TargetShares { get; }

    /// <summary>The given ratios of target-shares=ratios, as typed.</summary>
    public string TargetRatios { get; }

    /// <summary>True: the penalty trains the fusion layers only, through a separate optimizer.</summary>
    public bool FusionOnly { get; }

    /// <summary>The distance between shares and targets.</summary>
    public SharePenalty Penalty { get; }

    /// <summary>
    /// True (penalty-direction=down): the penalty's gradient reaches only the contributions of modalities above their
    /// target share (<see cref="PenalisedShares.DownOnly"/>). The default, both, is the publication's penalty, which
    /// moves every share; down is measured in docs/attr-reg-study.md ("Lowering the dominant modality only").
    /// </summary>
    public bool DownOnly { get; }

    /// <summary>logit, log-prob or drop.</summary>
    public string Quantity { get; }

    /// <summary>quantity=drop: a modality is replaced by its batch mean (true) or by zeros.</summary>
    public bool MeanBaseline { get; }

    /// <summary>
    /// unimodal-weight=auto's weight for classification. On classification every setting measured lets each modality
    /// predict the class alone, and this weight closed most of the weak modality's failure gap (docs/attr-reg-study.md).
    /// </summary>
    public const double AutoClassificationWeight = 8;

    /// <summary>
    /// unimodal-weight=auto's weight for multi-label and regression. There a modality alone may not be able to predict
    /// the target (the sum of a spoken and a written digit): weight 8 made each encoder predict the target alone and
    /// lost about 30 points of CCC to joint on that task, so these tasks keep the weight they were measured with
    /// (docs/attr-reg-study.md, "Why auto, not 8 for every task"; docs/tasks.md).
    /// </summary>
    public const double AutoOtherTaskWeight = 1;

    /// <summary>Weight of the task's loss on the modalities' own logits as given (0: none; null: auto, see <see cref="UnimodalWeightFor"/>).</summary>
    public double? UnimodalWeight { get; }

    /// <summary>The weight of the modalities' own losses that <paramref name="task"/> trains with.</summary>
    public double UnimodalWeightFor(TaskKind task) =>
        UnimodalWeight ?? (task == TaskKind.Classification ? AutoClassificationWeight : AutoOtherTaskWeight);

    /// <summary>Weight of MBSD's self-distillation (0: none).</summary>
    public double DistillWeight { get; }

    /// <summary>Where attributions are taken.</summary>
    public AttributionLayer Layer { get; }

    /// <summary>The model's embedding normalisation this option sets ("none": the model's own choice).</summary>
    public string EmbeddingNorm { get; }

    /// <summary>Weight of the distillation toward unimodal teachers (0: no teachers).</summary>
    public double TeacherWeight { get; }

    /// <summary>Epochs of teacher training (-1: the run's).</summary>
    public int TeacherEpochs { get; }
}
