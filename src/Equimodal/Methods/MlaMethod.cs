using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// MLA, "Multimodal Representation Learning by Alternating Unimodal Adaptation" (Zhang, Yoon, Bansal and Yao, CVPR 2024). The model has one
/// classifier shared by every modality (<see cref="SharedHeadFusion"/>). On every batch the modalities are trained in turn,
/// as in the published code: modality m's encoder and the shared head take one optimizer step on the cross-entropy of the
/// head applied to modality m's embedding alone. Before each step (except the very first of training) the head's weight
/// gradient is projected by P, an orthogonal-weight-modification projector shared by all modalities: with r the batch mean
/// of the head input, k = P r^T, P becomes (P - k k^T / (alpha + r k)) / ||.||_F, and grad W becomes grad W P^T, so the
/// head changes little along the input directions earlier steps (of every modality) relied on; alpha = 0.1^(1 + b/B) at
/// batch b of B. At test time the modalities' shared-head logits are fused with per-sample entropy weights.
/// Inactive encoders have no gradient during another modality's step, so the optimizer leaves them alone.
/// The trainer's step is the first modality's update (its loss and accuracy are what the epoch log shows);
/// the other modalities' updates run in <see cref="AfterOptimizerStep"/> on the same batch.
/// </summary>
[Method("mla", "MLA (CVPR 2024): per batch one unimodal step per modality through a shared head, with gradient projection; entropy-weighted fusion.", Fusion = "shared")]
public sealed class MlaMethod : TrainingMethod
{
    /// <summary>Base of the projector's regulariser alpha = base^(1 + b/B), as published.</summary>
    public const double RegularizerBase = 0.1;

    private SharedHeadFusion? _head;
    private Tensor? _projector;
    private long _updates;
    private Tensor? _meanInput;
    private double[] _batchLosses = Array.Empty<double>();
    private EpochMeans? _epochMeans;

    /// <summary>Creates the method; it has no options.</summary>
    public MlaMethod(MethodSettings settings)
    {
    }


    /// <summary>Exact: every unimodal step goes through the step runner (averaged gradients) and the projector sees the global batch-mean head input.</summary>
    public override DataParallelSupport DataParallel => DataParallelSupport.Supported;

    /// <summary>The projector P [width, width] applied to the shared head's weight gradient.</summary>
    public Tensor Projector => _projector ?? throw new InvalidOperationException("mla was used before Setup.");

    /// <summary>Unimodal updates done so far (the first one is not projected).</summary>
    public long Updates => _updates;

    /// <summary>Regulariser of the projector update at step <paramref name="step"/> of an epoch of <paramref name="stepsPerEpoch"/>: 0.1^(1 + step/steps).</summary>
    public static double Regularizer(int step, int stepsPerEpoch) => Math.Pow(RegularizerBase, 1 + (double)step / stepsPerEpoch);

    /// <summary>
    /// The projector after seeing <paramref name="meanInput"/> r [1, width]: with k = P r^T,
    /// (P - k k^T / (alpha + r k)) divided by its Frobenius norm.
    /// </summary>
    public static Tensor UpdateProjector(Tensor projector, Tensor meanInput, double alpha)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor k = projector.mm(meanInput.t());
        using Scalar regulariser = alpha.ToScalar();
        Tensor updated = projector - k.mm(k.t()) / meanInput.mm(k).add(regulariser, One);
        return (updated / updated.norm()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        _head = context.Model.Fusion as SharedHeadFusion
            ?? throw new InvalidOperationException($"mla needs the shared fusion head, the model has {context.Model.Fusion.GetType().Name} (the trainer builds it through ConfigureModel).");
        _projector?.Dispose();
        _projector = eye(_head.InputSize, device: context.Device).DetachFromDisposeScope();
        _updates = 0;
        _batchLosses = new double[context.Model.ModalityNames.Count];
        _epochMeans = EpochMeans.PerModality("mla", new[] { "loss" }, context.Model.ModalityNames);
    }

    /// <inheritdoc />
    public override void OnEpochStart(int epoch) => _epochMeans?.Reset();

    /// <summary>The first modality's unimodal loss; the trainer back-propagates it and steps.</summary>
    public override StepOutput ComputeLoss(Batch batch, StepInfo step) => UnimodalLoss(batch, 0);

    /// <summary>Projects the shared head's weight gradient (every update but the very first of training).</summary>
    public override void AdjustGradients(StepInfo step)
    {
        if (_updates++ == 0) return;
        using var scope = NewDisposeScope();
        Tensor updated = UpdateProjector(Projector, _meanInput!, Regularizer(step.Step, step.StepsPerEpoch));
        _projector!.Dispose();
        _projector = updated.DetachFromDisposeScope();
        Tensor? grad = _head!.Classifier.weight!.grad;
        if (grad is null) return;
        using var noGrad = no_grad();
        grad.copy_(grad.mm(_projector.t()));
    }

    /// <summary>The unimodal updates of the other modalities on the same batch, in modality order.</summary>
    public override void AfterOptimizerStep(StepOutput output, StepInfo step)
    {
        Batch batch = (output as UnimodalStep ?? throw new ArgumentException("mla's AfterOptimizerStep takes the output of its ComputeLoss.", nameof(output))).Batch;
        for (int m = 1; m < _batchLosses.Length; m++)
        {
            int modality = m;
            Context.Steps.Step(this, Context.Optimizer, Context.Model.parameters(), step, () => UnimodalLoss(batch, modality), adjust: () => AdjustGradients(step));
        }
        // Added once every modality has stepped on the batch, so a checkpoint (written between batches) holds whole batches.
        _epochMeans?.Add(_batchLosses);
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        state["mla.projector"] = Projector;
        state["mla.updates"] = tensor(_updates);
        _epochMeans?.SaveState(state);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        using (no_grad()) Projector.copy_(state["mla.projector"]);
        _updates = state["mla.updates"].item<long>();
        _epochMeans?.LoadState(state);
    }

    /// <summary>Mean unimodal loss of each modality over the epoch.</summary>
    public override IReadOnlyDictionary<string, double> EpochMetrics() => _epochMeans?.Metrics() ?? new Dictionary<string, double>();

    private UnimodalStep UnimodalLoss(Batch batch, int modality)
    {
        // Clearing leaves zero tensors, and AdamW would still move a parameter with a zero gradient
        // (weight decay, momentum). As in the published code (PyTorch's set_to_none), the other encoders have no gradient.
        for (int other = 0; other < _batchLosses.Length; other++)
        {
            if (other == modality) continue;
            foreach (var parameter in Context.Model.EncoderParameters(other)) parameter.grad = null;
        }
        Tensor input = _head!.ClassifierInput(Context.Model.Encoder(modality).forward(batch.Inputs[modality]), modality);
        Tensor logits = _head.Classifier.forward(input);
        Tensor loss = nn.functional.cross_entropy(logits, batch.Labels);
        _meanInput?.Dispose();
        // The projector follows the head input of the global batch: averaged over the ranks (ranks hold equal batch sizes).
        _meanInput = Context.Collective.Average(input.detach().mean(new long[] { 0 }, keepdim: true)).DetachFromDisposeScope();
        _batchLosses[modality] = Context.Mean(loss)[0];
        return new UnimodalStep(loss, logits, batch);
    }

    /// <summary>A unimodal step's output, carrying its batch to the other modalities' steps in <see cref="AfterOptimizerStep"/>.</summary>
    private sealed record UnimodalStep(Tensor Loss, Tensor Logits, Batch Batch) : StepOutput(Loss, Logits);
}
