using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Tasks;
using Equimodal.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// MMPareto (Wei &amp; Hu, "MMPareto: Boosting Multimodal Learning with Innocent Unimodal Assistance", ICML 2024).
/// The loss is the fused cross-entropy plus each modality's cross-entropy on its own logits. For every encoder m, the
/// gradient of the fused loss g_mm and of modality m's unimodal loss g_uni are compared over all of the encoder's
/// parameters: with a positive cosine they are combined with equal weights, otherwise with the two-task min-norm (MGDA)
/// weights. As in the published code the weights are doubled (equal weights give g_mm + g_uni), and every parameter tensor's
/// combined gradient c is rescaled to gamma * c * max(1, |g_mm + g_uni| / |c|), so it is never shorter than the plain summed
/// gradient (times gamma). Fusion and classifier parameters keep the plain summed gradient.
/// </summary>
[Method("mmpareto", "MMPareto (ICML 2024): fused + unimodal losses; per encoder, equal or min-norm (MGDA) gradient weights, rescaled by 1.5.", Tasks = new[] { TaskKind.Classification, TaskKind.MultiLabel, TaskKind.Regression })]
public sealed class MmParetoMethod : TrainingMethod
{
    private Parameter[][] _encoderParameters = Array.Empty<Parameter[]>();
    private Tensor? _fusedLoss;
    private Tensor[] _unimodalLosses = Array.Empty<Tensor>();
    private Tensor[][] _multimodalGradients = Array.Empty<Tensor[]>();
    private Tensor[][] _unimodalGradients = Array.Empty<Tensor[]>();
    private EpochMeans? _epochMeans;

    /// <summary>Creates the method; option "gamma" is the published gradient scale 1.5.</summary>
    public MmParetoMethod(MethodSettings settings)
    {
        Gamma = settings.Number("gamma", 1.5, 0, 100, "rescaling of the combined encoder gradient");
    }


    /// <summary>Exact: the per-modality gradients are averaged over the ranks before they are compared and combined.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;

    /// <summary>Scale applied to every encoder's combined gradient (published: 1.5).</summary>
    public double Gamma { get; }

    /// <summary>Cosine between each encoder's multimodal and unimodal gradients at the last step.</summary>
    public IReadOnlyList<double> LastCosines { get; private set; } = Array.Empty<double>();

    /// <summary>
    /// Weight of the multimodal gradient in the min-norm point alpha g_mm + (1 - alpha) g_uni of the segment between the
    /// two gradients, from their dot products: alpha = clamp((g_uni - g_mm)·g_uni / |g_mm - g_uni|^2, 0, 1).
    /// </summary>
    public static double MinNormWeight(double multimodalSquared, double dot, double unimodalSquared)
    {
        double distanceSquared = multimodalSquared + unimodalSquared - 2 * dot;
        // Identical gradients: every point of the segment is the same, keep the symmetric choice.
        if (distanceSquared <= 0) return 0.5;
        return Math.Clamp((unimodalSquared - dot) / distanceSquared, 0, 1);
    }

    /// <summary>
    /// Weights (multimodal, unimodal) of two flattened gradients: (0.5, 0.5) when their cosine is positive, otherwise the
    /// min-norm weights (alpha, 1 - alpha).
    /// </summary>
    public static (double Multimodal, double Unimodal, double Cosine) Weights(Tensor multimodal, Tensor unimodal)
    {
        using var scope = NewDisposeScope();
        double mm = multimodal.dot(multimodal).item<float>();
        double uu = unimodal.dot(unimodal).item<float>();
        double mu = multimodal.dot(unimodal).item<float>();
        double cosine = mm > 0 && uu > 0 ? mu / Math.Sqrt(mm * uu) : 0;
        if (cosine > 0) return (0.5, 0.5, cosine);
        double alpha = MinNormWeight(mm, mu, uu);
        return (alpha, 1 - alpha, cosine);
    }

    /// <summary>
    /// The published rescaling of one parameter tensor's combined gradient: gamma * combined * max(1, |summed| / |combined|),
    /// i.e. lengthened to the norm of the plain summed gradient when shorter, never shortened.
    /// </summary>
    public static Tensor Rescale(Tensor combined, Tensor summed, double gamma)
    {
        using var scope = NewDisposeScope();
        double combinedNorm = combined.norm().item<float>();
        double summedNorm = summed.norm().item<float>();
        double stretch = combinedNorm > 0 ? Math.Max(1, summedNorm / combinedNorm) : 1;
        using Scalar factor = (gamma * stretch).ToScalar();
        return (combined * factor).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        int modalities = context.ModalityIndices.Count;
        _encoderParameters = Enumerable.Range(0, modalities)
            .Select(m => context.Model.EncoderParameters(m).Where(p => p.requires_grad).ToArray())
            .ToArray();
        _epochMeans = EpochMeans.PerModality("mmpareto", new[] { "cos", "conflict" }, context.Model.ModalityNames);
        LastCosines = new double[modalities];
    }

    /// <inheritdoc />
    public override void OnEpochStart(int epoch) => _epochMeans?.Reset();

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Models.ModelOutput output = Context.Model.Forward(batch.Inputs);
        _fusedLoss = Context.Task.Loss(output.Logits, batch.Labels);
        _unimodalLosses = output.ModalityLogits.Select(z => Context.Task.Loss(z, batch.Labels)).ToArray();
        Tensor total = _unimodalLosses.Aggregate(_fusedLoss, (sum, loss) => sum.add(loss, One));
        return new StepOutput(total, output.Logits);
    }

    /// <summary>
    /// Back-propagates the total loss (fusion parameters keep its plain summed gradient) and takes each encoder's
    /// gradients of the fused and of its unimodal loss separately, for <see cref="AdjustGradients"/>.
    /// </summary>
    public override void Backward(StepOutput output, StepInfo step)
    {
        if (_fusedLoss is null || !_fusedLoss.requires_grad || _unimodalLosses.Any(l => !l.requires_grad))
            throw new InvalidOperationException("mmpareto: Backward needs the losses of its own ComputeLoss, computed with gradients enabled.");
        Parameter[] allEncoders = _encoderParameters.SelectMany(p => p).ToArray();
        // Separate gradients per loss (the graph is kept for the next pass); allow_unused because an encoder may hold
        // parameters its forward never reaches, whose gradients come back undefined. They live in the step's dispose scope.
        IList<Tensor> multimodal = torch.autograd.grad(new[] { _fusedLoss }, allEncoders, retain_graph: true, allow_unused: true);
        var unimodal = new IList<Tensor>[_encoderParameters.Length];
        for (int m = 0; m < unimodal.Length; m++)
            unimodal[m] = torch.autograd.grad(new[] { _unimodalLosses[m] }, _encoderParameters[m], retain_graph: true, allow_unused: true);
        // Fusion parameters get the plain summed gradient; encoder m's summed gradient (g_mm + g_uni) is the rescaling reference.
        output.Loss.backward();
        int offset = 0;
        _multimodalGradients = new Tensor[_encoderParameters.Length][];
        _unimodalGradients = new Tensor[_encoderParameters.Length][];
        for (int m = 0; m < _encoderParameters.Length; m++)
        {
            Parameter[] parameters = _encoderParameters[m];
            int first = offset;
            _multimodalGradients[m] = parameters.Select((p, i) => OrZeros(multimodal[first + i], p)).ToArray();
            _unimodalGradients[m] = parameters.Select((p, i) => OrZeros(unimodal[m][i], p)).ToArray();
            offset += parameters.Length;
        }
        _fusedLoss = null;
        _unimodalLosses = Array.Empty<Tensor>();
    }

    /// <summary>
    /// Per encoder: weights from the cosine of its (rank-averaged) fused and unimodal gradients, combination, rescaling
    /// against the summed gradient.
    /// </summary>
    public override void AdjustGradients(StepInfo step)
    {
        if (_multimodalGradients.Length == 0) throw new InvalidOperationException("mmpareto: AdjustGradients needs the gradients of its own Backward.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Context.Collective.Average(_multimodalGradients.SelectMany(g => g).Concat(_unimodalGradients.SelectMany(g => g)).ToArray());
        double[] cosines = new double[_encoderParameters.Length];
        for (int m = 0; m < _encoderParameters.Length; m++)
        {
            Parameter[] parameters = _encoderParameters[m];
            Tensor[] gMm = _multimodalGradients[m], gUni = _unimodalGradients[m];
            var (wMm, wUni, cosine) = Weights(cat(gMm.Select(g => g.flatten()).ToArray()), cat(gUni.Select(g => g.flatten()).ToArray()));
            cosines[m] = cosine;
            using Scalar multimodalWeight = (2 * wMm).ToScalar(), unimodalWeight = (2 * wUni).ToScalar();
            for (int i = 0; i < parameters.Length; i++)
            {
                Tensor? summed = parameters[i].grad;
                if (summed is null) continue;
                Tensor combined = (gMm[i] * multimodalWeight).add(gUni[i] * unimodalWeight, One);
                summed.copy_(Rescale(combined, summed, Gamma));
            }
        }
        LastCosines = cosines;
        // A conflict is a step where the min-norm weights were used.
        _epochMeans?.Add(cosines, cosines.Select(c => c > 0 ? 0.0 : 1.0).ToArray());
        _multimodalGradients = Array.Empty<Tensor[]>();
        _unimodalGradients = Array.Empty<Tensor[]>();
    }

    /// <summary>Only the epoch means: the method is otherwise stateless.</summary>
    public override void SaveState(IDictionary<string, Tensor> state) => _epochMeans?.SaveState(state);

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state) => _epochMeans?.LoadState(state);

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() => _epochMeans?.Metrics() ?? new Dictionary<string, double>();

    private static Tensor OrZeros(Tensor gradient, Parameter parameter) => gradient.IsInvalid ? zeros_like(parameter) : gradient;
}
