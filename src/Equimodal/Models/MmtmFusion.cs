using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// A cross-modal gating block in the style of MMTM (Joze et al., CVPR 2020), applied to the encoders' outputs, then a
/// linear classifier over the concatenation. The squeeze of every modality is concatenated, mapped to a joint code
/// (width sum d_m / 4, ReLU), and from it each modality gets channel gates 2 sigmoid(W_m code), which multiply its
/// embedding. The gates are the cross-modal ("bypass") path the greedy method measures; the published Greedy model has
/// such a block after each ResNet stage, this head has one, after the last. A caller may replace a modality's gates with
/// a fixed vector for the next forward pass (<see cref="ReplaceGates"/>), which is how re-balancing cuts the cross-modal
/// path of one modality.
/// </summary>
public sealed class MmtmFusion : FusionHead
{
    private readonly Linear squeeze;
    private readonly ModuleList<Linear> excite;
    private readonly Linear fc_out;
    private Tensor?[] _replaced;

    /// <summary>Creates the head.</summary>
    public MmtmFusion(IReadOnlyList<long> embeddingSizes, int classes) : base(nameof(MmtmFusion), embeddingSizes, classes)
    {
        long joint = Math.Max(1, embeddingSizes.Sum() / 4);
        squeeze = nn.Linear(embeddingSizes.Sum(), joint);
        excite = new ModuleList<Linear>(embeddingSizes.Select(d => nn.Linear(joint, d)).ToArray());
        fc_out = nn.Linear(embeddingSizes.Sum(), classes);
        _replaced = new Tensor?[embeddingSizes.Count];
        RegisterComponents();
    }

    /// <summary>Parameters of modality <paramref name="index"/>'s gate layer (its cross-modal path).</summary>
    public IEnumerable<Parameter> GateParameters(int index) => excite[index].parameters();

    /// <summary>Batch-mean gates [d_m] of each modality in the last forward pass (detached).</summary>
    public Tensor[] LastGates { get; private set; } = Array.Empty<Tensor>();

    /// <summary>Uses <paramref name="gates"/> [d_m] (or the computed gates, when null) for modality <paramref name="index"/> from now on.</summary>
    public void ReplaceGates(int index, Tensor? gates) => _replaced[index] = gates;

    /// <summary>Each modality's gates [batch, d_m] for <paramref name="embeddings"/>.</summary>
    public Tensor[] Gates(IReadOnlyList<Tensor> embeddings)
    {
        CheckEmbeddings(embeddings);
        using var scope = NewDisposeScope();
        Tensor code = nn.functional.relu(squeeze.forward(cat(embeddings.ToArray(), 1)));
        return embeddings.Select((e, m) => (_replaced[m] is { } fixedGates ? fixedGates.unsqueeze(0).expand(e.shape[0], -1) : Held(2) * excite[m].forward(code).sigmoid())
            .MoveToOuterDisposeScope()).ToArray();
    }

    /// <inheritdoc />
    public override Tensor Forward(IReadOnlyList<Tensor> embeddings)
    {
        using var scope = NewDisposeScope();
        Tensor[] gates = Gates(embeddings);
        foreach (Tensor old in LastGates) old.Dispose();
        LastGates = gates.Select(g => g.detach().mean(new long[] { 0 }).DetachFromDisposeScope()).ToArray();
        return fc_out.forward(cat(embeddings.Select((e, m) => e * gates[m]).ToArray(), 1)).MoveToOuterDisposeScope();
    }
}
