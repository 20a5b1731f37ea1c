using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Training;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Methods;

/// <summary>
/// PMR, "PMR: Prototypical Modal Rebalance for Multimodal Learning" (Fan, Xu, Wei, Hu et al., CVPR 2023). At the start of
/// every epoch each modality's class prototypes c_m,k are the mean encoder features of every tenth training sample of
/// class k (evaluation mode), blended with the previous ones by momentum 0.5 after the first epoch; a class without a
/// sample in that subset keeps its previous prototype (BalanceMM's code divides by zero there and gets NaN). Each step,
/// sim_m = -||h_m - c_m,k|| and s_m = sum_i softmax(sim_m)[i, y_i]; with rho = s_0 / s_1 the slower modality (rho &gt; 1:
/// the second, rho &lt; 1: the first) gets alpha * CE(sim, y), the prototypical cross-entropy that speeds its encoder up.
/// In the first epochs the paper also adds, for the dominant modality, a prototype-entropy regulariser that slows it:
/// here -mu * H(softmax(sim_dominant)), which BalanceMM omits. alpha 0.6 and momentum 0.5 from BalanceMM
/// (configs/trainer_config/pmr_config.yaml); mu and the number of regularised epochs were not in the notes available,
/// so their defaults (0.1, 5 epochs) are this implementation's choice. Two modalities, as published.
/// </summary>
[Method("pmr", "PMR (CVPR 2023): class prototypes per modality; prototypical cross-entropy on the slower modality, entropy regulariser early.",
    MinModalities = 2, MaxModalities = 2)]
public sealed class PmrMethod : TrainingMethod
{
    private const int SubsetStride = 10;
    private Tensor[] _prototypes = Array.Empty<Tensor>();
    private int _prototypeEpoch = -1;
    private EpochMeans? _epochMeans;

    /// <summary>Creates the method.</summary>
    public PmrMethod(MethodSettings settings)
    {
        Alpha = settings.Number("alpha", 0.6, 0, 100, "weight of the prototypical cross-entropy of the slower modality");
        Momentum = settings.Number("momentum", 0.5, 0, 1, "weight of the previous prototypes when blending");
        Mu = settings.Number("mu", 0.1, 0, 100, "weight of the dominant modality's prototype-entropy regulariser");
        RegularizedEpochs = settings.Integer("regularize-epochs", 5, 0, int.MaxValue, "epochs with the entropy regulariser");
    }

    /// <summary>alpha.</summary>
    public double Alpha { get; }

    /// <summary>Prototype momentum.</summary>
    public double Momentum { get; }

    /// <summary>mu.</summary>
    public double Mu { get; }

    /// <summary>Epochs with the entropy regulariser.</summary>
    public int RegularizedEpochs { get; }

    /// <summary>The current prototypes of each modality [classes, d_m].</summary>
    public IReadOnlyList<Tensor> Prototypes => _prototypes;

    /// <summary>Class means of <paramref name="features"/> [classes, d]; a class absent from <paramref name="labels"/> gives NaN rows.</summary>
    public static Tensor ClassMeans(Tensor features, Tensor labels, int classes)
    {
        using var scope = NewDisposeScope();
        Tensor onehot = nn.functional.one_hot(labels, classes).to(features.dtype);
        return (onehot.t().matmul(features) / onehot.sum(dim: 0).unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>sim[i, k] = -||h_i - c_k||.</summary>
    public static Tensor Similarities(Tensor features, Tensor prototypes) => cdist(features, prototypes).neg();

    /// <inheritdoc />
    public override void Setup(MethodContext context)
    {
        base.Setup(context);
        _prototypes = Enumerable.Range(0, context.Model.ModalityNames.Count).Select(_ => empty(0)).ToArray();
        _prototypeEpoch = -1;
        _epochMeans = new EpochMeans("pmr", new[] { "pmr.rho" });
    }

    /// <inheritdoc />
    public override void OnEpochStart(int epoch)
    {
        _epochMeans?.Reset();
        if (epoch == _prototypeEpoch) return; // restored from a checkpoint taken within this epoch
        int[] subset = Enumerable.Range(0, Context.Splits.Train.Count).Where(i => i % SubsetStride == 0).ToArray();
        var (features, labels) = EncoderFeatures.Extract(Context.Model, Context.Splits.Train, Context.Options.BatchSize, Context.Device, subset);
        using (labels)
        {
            for (int m = 0; m < features.Length; m++)
            {
                using var scope = NewDisposeScope();
                Tensor fresh = ClassMeans(features[m], labels, Context.Model.Classes);
                Tensor next = _prototypeEpoch < 0 ? fresh.nan_to_num(0) : (Held(Momentum) * _prototypes[m]).add(Held(1 - Momentum) * fresh, One);
                next = where(fresh.isnan(), _prototypeEpoch < 0 ? zeros_like(fresh) : _prototypes[m], next);
                _prototypes[m].Dispose();
                _prototypes[m] = next.MoveToOuterDisposeScope();
                features[m].Dispose();
            }
        }
        _prototypeEpoch = epoch;
    }

    /// <inheritdoc />
    public override StepOutput ComputeLoss(Batch batch, StepInfo step)
    {
        Models.ModelOutput output = Context.Model.Forward(batch.Inputs);
        Tensor[] sims = output.Embeddings.Select((h, m) => Similarities(h, _prototypes[m])).ToArray();
        double rho = TrueClass.Score(sims[0], batch.Labels) / Math.Max(TrueClass.Score(sims[1], batch.Labels), 1e-12);
        _epochMeans?.Add(new[] { rho });
        Tensor loss = nn.functional.cross_entropy(output.Logits, batch.Labels);
        if (rho != 1)
        {
            int slower = rho > 1 ? 1 : 0;
            loss = loss.add(Held(Alpha) * nn.functional.cross_entropy(sims[slower], batch.Labels), One);
            if (step.Epoch < RegularizedEpochs && Mu > 0)
            {
                Tensor logP = nn.functional.log_softmax(sims[1 - slower], 1);
                Tensor entropy = -(logP.exp() * logP).sum(dim: 1).mean();
                loss = loss - Held(Mu) * entropy;
            }
        }
        return new StepOutput(loss, output.Logits);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> EpochMetrics() => _epochMeans?.Metrics() ?? new Dictionary<string, double>();

    /// <summary>The prototypes of the current epoch: recomputing them after a mid-epoch resume would see different weights.</summary>
    public override void SaveState(IDictionary<string, Tensor> state)
    {
        _epochMeans?.SaveState(state);
        for (int m = 0; m < _prototypes.Length; m++) state[$"pmr.prototypes.{m}"] = _prototypes[m];
        state["pmr.epoch"] = tensor(_prototypeEpoch);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        _epochMeans?.LoadState(state);
        for (int m = 0; m < _prototypes.Length; m++) _prototypes[m] = state[$"pmr.prototypes.{m}"].clone();
        _prototypeEpoch = state["pmr.epoch"].item<int>();
    }
}
