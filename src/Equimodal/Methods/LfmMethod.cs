using TorchSharp;
using Equimodal.Data;
using Equimodal.Training;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// LFM, "Facilitating Multimodal Classification via Dynamically Learning Modality Gap" (Yang et al., NeurIPS 2024), as
/// implemented in BalanceMM (trainer/LFM_trainer.py): loss = 2 (a0 CE(fused) + a1 A), A the mean over modality pairs of the
/// Jensen-Shannon divergence between their predictions (the paper's alignment term is contrastive; the code's JS is used
/// because it needs no extra projection heads). Once per epoch, on a quarter-batch of the validation split (never test;
/// BalanceMM's "validation" is the test set for CREMA-D and Kinetics-Sounds), the Hessian of the total loss with respect
/// to the model's first parameter tensor is applied to the classification loss's gradient there, and
/// a1 &lt;- clip(a1 - lr_alpha * mean(Hv), 0.05, 0.95), a0 = 1 - a1. The Hessian-vector product is a central finite
/// difference of gradients (no double backward), with the parameter restored bit for bit afterwards. Start (0.95, 0.05);
/// lr_alpha 1e-4, halved at every nonzero multiple of 20 epochs (configs/trainer_config/lfm_config.yaml).
/// </summary>
[Method("lfm", "LFM (NeurIPS 2024): CE plus a Jensen-Shannon alignment of the modalities' predictions, their weight adapted on validation.", MinModalities = 2)]
public sealed class LfmMethod : TrainingMethod
{
    private const double MinWeight = 0.05, MaxWeight = 0.95;
    private const int HalvingEpochs = 20;
    private double _alignmentWeight;

    /// <summary>Creates the method.</summary>
    public LfmMethod(MethodSettings settings)
    {
        InitialAlignmentWeight = settings.Number("a1", 0.05, MinWeight, MaxWeight, "initial weight a1 of the alignment term (a0 = 1 - a1)");
        LearningRate = settings.Number("lr-alpha", 1e-4, 0, 1, "step size of the weight update, halved every 20 epochs");
    }

    /// <summary>Initial a1.</summary>
    public double InitialAlignmentWeight { get; }

    /// <summary>lr_alpha.</summary>
    public double LearningRate { get; }

    /// <summary>The current weight a1 of the alignment term.</summary>
    public double AlignmentWeight => _alignmentWeight;

    /// <summary>Jensen-Shannon divergence between softmax(a) and softmax(b), per sample [batch].</summary>
    public static Tensor JensenShannon(Tensor logitsA, Tensor logitsB)
    {
        using var scope = NewDisposeScope();
        Tensor p = nn.functional.softmax(logitsA, 1), q = nn.functional.softmax(logitsB, 1);
        Tensor logMix = (p.add(q, One) / Held(2)).clamp_min(Held(1e-12)).log();
        Tensor klP = (p * (p.clamp_min(Held(1e-12)).log() - logMix)).sum(dim: 1);
        Tensor klQ = (q * (q.clamp_min(Held(1e-12)).log() - logMix)).sum(dim: 1);
        return (klP.add(klQ, One) / Held(2)).MoveToOuterDisposeScope();
    }

    /// <summary>The weight update a1 - lr * mean(Hv), clipped to [0.05, 0.95].</summary>
    public static double UpdatedWeight(double weight, double learningRate, double meanHessianProduct) =>
        Math.Clamp(weight - learningRate * meanHessianProduct, MinWeight, MaxWeight);

    /// <summary>lr_alpha in <paramref name="epoch"/>: halved at every nonzero multiple of 20 epochs.</summary>
    public static double LearningRateAt(double learningRate, int epoch) => learningRate * Math.Pow(0.5, epoch / HalvingEpochs);

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        _alignmentWeight = InitialAlignmentWeight;
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Models.ModelOutput output = Context.Model.Forward(batch.Inputs);
        return new StepOutput(TotalLoss(output, batch.Labels, _alignmentWeight), output.Logits);
    }

    /// <summary>On a validation quarter-batch: a1 moves against the Hessian of the total loss applied to the CE gradient.</summary>
    public override void OnEpochEnd(EpochEnd epoch)
    {
        IMultimodalDataset validation = Context.Splits.Validation;
        int size = Math.Max(1, Math.Min(validation.Count, Context.Options.BatchSize / 4));
        int start = epoch.Epoch * size % validation.Count;
        int[] indices = Enumerable.Range(start, size).Select(i => i % validation.Count).ToArray();
        using var scope = NewDisposeScope();
        using Batch batch = validation.GetBatch(indices, Data.Augmentation.None).To(Context.Device);
        Parameter first = Context.Model.parameters().First();
        bool wasTraining = Context.Model.training;
        Context.Model.eval();
        try
        {
            Tensor v = Gradient(first, () => nn.functional.cross_entropy(Context.Model.Forward(batch.Inputs).Logits, batch.Labels));
            double norm = v.norm().item<float>();
            if (norm == 0 || !double.IsFinite(norm)) return;
            double step = 1e-3 / norm;
            Tensor original = first.detach().clone();
            Tensor plus = ShiftedGradient(first, original, v, step, batch);
            Tensor minus = ShiftedGradient(first, original, v, -step, batch);
            using (no_grad()) first.copy_(original);
            using Scalar span = (2 * step).ToScalar();
            double meanProduct = ((plus - minus) / span).mean().item<float>();
            if (double.IsFinite(meanProduct))
                _alignmentWeight = UpdatedWeight(_alignmentWeight, LearningRateAt(LearningRate, epoch.Epoch), meanProduct);
        }
        finally
        {
            Context.Model.train(wasTraining);
        }
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() => new Dictionary<string, double> { ["lfm.a1"] = _alignmentWeight };

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state) => state["lfm.a1"] = tensor(new[] { _alignmentWeight }, dtype: float64);

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state) => _alignmentWeight = state["lfm.a1"].item<double>();

    private static Tensor TotalLoss(Models.ModelOutput output, Tensor labels, double alignmentWeight)
    {
        IReadOnlyList<Tensor> z = output.ModalityLogits;
        Tensor alignment = zeros(1, device: labels.device);
        int pairs = 0;
        for (int a = 0; a < z.Count; a++)
        {
            for (int b = a + 1; b < z.Count; b++, pairs++) alignment = alignment.add(JensenShannon(z[a], z[b]).mean(), One);
        }
        using Scalar crossEntropyWeight = (1 - alignmentWeight).ToScalar(), alignmentScalar = alignmentWeight.ToScalar();
        return Held(2) * (crossEntropyWeight * nn.functional.cross_entropy(output.Logits, labels)).add(alignmentScalar * alignment.squeeze() / Held(pairs), One);
    }

    private Tensor ShiftedGradient(Parameter first, Tensor original, Tensor direction, double step, Batch batch)
    {
        using (no_grad())
        {
            using Scalar shift = step.ToScalar();
            first.copy_(original.add(shift * direction, One));
        }
        return Gradient(first, () => TotalLoss(Context.Model.Forward(batch.Inputs), batch.Labels, _alignmentWeight));
    }

    private Tensor Gradient(Parameter parameter, Func<Tensor> loss) => StepRunner.MeasureGradient(Context.Optimizer, parameter, loss);
}
