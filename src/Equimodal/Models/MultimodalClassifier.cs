using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>One encoder per modality, then a fusion head: the model every training method trains.</summary>
public sealed class MultimodalClassifier : nn.Module
{
    private readonly ModuleDict<ModalityEncoder> encoders;
    private readonly FusionHead fusion;

    /// <summary>
    /// Creates the model; <paramref name="encoders"/> are in input order; <paramref name="embeddingNorm"/> (see
    /// <see cref="ModelOptions.EmbeddingNorm"/>) normalises every present modality's embedding before fusion.
    /// </summary>
    public MultimodalClassifier(IReadOnlyList<(string Modality, ModalityEncoder Encoder)> encoders, FusionHead fusion, string embeddingNorm = "none") : base(nameof(MultimodalClassifier))
    {
        if (!ModelOptions.EmbeddingNorms.Contains(embeddingNorm))
            throw new ArgumentException($"Unknown embedding normalisation '{embeddingNorm}'. Valid normalisations: {string.Join(", ", ModelOptions.EmbeddingNorms)}.");
        EmbeddingNorm = embeddingNorm;
        if (encoders.Count != fusion.EmbeddingSizes.Count)
            throw new ArgumentException($"{encoders.Count} encoders but the fusion head expects {fusion.EmbeddingSizes.Count} embeddings.");
        for (int m = 0; m < encoders.Count; m++)
        {
            if (encoders[m].Encoder.EmbeddingSize != fusion.EmbeddingSizes[m])
                throw new ArgumentException($"Encoder '{encoders[m].Modality}' gives {encoders[m].Encoder.EmbeddingSize} features, the fusion head expects {fusion.EmbeddingSizes[m]}.");
        }
        ModalityNames = encoders.Select(e => e.Modality).ToArray();
        this.encoders = nn.ModuleDict(encoders.Select(e => (e.Modality, e.Encoder)).ToArray());
        this.fusion = fusion;
        RegisterComponents();
    }

    /// <summary>Modality names, in input order.</summary>
    public IReadOnlyList<string> ModalityNames { get; }

    /// <summary>Normalisation of every embedding before fusion: "none", "l2" or "layernorm" (no learned affine).</summary>
    public string EmbeddingNorm { get; }

    /// <summary>Number of classes.</summary>
    public int Classes => fusion.Classes;

    /// <summary>The fusion head (fusion and classifier layers).</summary>
    public FusionHead Fusion => fusion;

    /// <summary>The encoder of modality <paramref name="index"/>.</summary>
    public ModalityEncoder Encoder(int index) => encoders[ModalityNames[index]];

    /// <summary>
    /// Encodes each modality: one embedding per input. A null input is a missing modality: its embedding is the absent
    /// embedding of <see cref="MissingModality"/> (zeros), so the encoder never sees a made-up input. At least one input is needed.
    /// </summary>
    public Tensor[] Encode(IReadOnlyList<Tensor?> inputs)
    {
        if (inputs.Count != ModalityNames.Count)
            throw new ArgumentException($"The model takes {ModalityNames.Count} inputs ({string.Join(", ", ModalityNames)}), got {inputs.Count}.");
        Tensor first = inputs.FirstOrDefault(x => x is not null) ?? throw new ArgumentException("Every modality is missing: at least one input is needed.");
        return inputs.Select((x, m) => x is null
            ? zeros(new[] { first.shape[0], Encoder(m).EmbeddingSize }, dtype: first.dtype, device: first.device)
            : Embed(m, Encoder(m).Features(x))).ToArray();
    }

    /// <summary>Each modality's last-block features (<see cref="ModalityEncoder.Features"/>), before pooling; every input is needed.</summary>
    public Tensor[] EncodeFeatures(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != ModalityNames.Count)
            throw new ArgumentException($"The model takes {ModalityNames.Count} inputs ({string.Join(", ", ModalityNames)}), got {inputs.Count}.");
        return inputs.Select((x, m) => Encoder(m).Features(x)).ToArray();
    }

    /// <summary>Modality <paramref name="index"/>'s embedding (the fusion input) from its last-block features: pooled, then normalised by <see cref="EmbeddingNorm"/>.</summary>
    public Tensor Embed(int index, Tensor features)
    {
        Tensor embedding = Encoder(index).Pool(features);
        return EmbeddingNorm switch
        {
            "l2" => embedding / embedding.norm(1, keepdim: true).clamp_min(Held(1e-12)),
            "layernorm" => nn.functional.layer_norm(embedding, new[] { embedding.shape[1] }),
            _ => embedding,
        };
    }

    /// <summary>Fused logits from last-block features (pooling, normalisation and fusion are re-run).</summary>
    public Tensor FuseFeatures(IReadOnlyList<Tensor> features) => Fuse(features.Select((f, m) => Embed(m, f)).ToArray());

    /// <summary>Fused logits from embeddings (re-runs only the fusion and classifier).</summary>
    public Tensor Fuse(IReadOnlyList<Tensor> embeddings) => fusion.Forward(embeddings);

    /// <summary>Fused logits with only the modalities of <paramref name="coalition"/> present (bit m set = modality m present; see <see cref="MissingModality"/>).</summary>
    public Tensor Fuse(IReadOnlyList<Tensor> embeddings, int coalition) => fusion.Forward(MissingModality.Keep(embeddings, coalition));

    /// <summary>Fused logits with absent modalities per sample: <paramref name="presence"/> is [batch, modalities] of 1 (present) and 0 (absent).</summary>
    public Tensor Fuse(IReadOnlyList<Tensor> embeddings, Tensor presence) => fusion.Forward(MissingModality.Keep(embeddings, presence));

    /// <summary>Each modality's own logits from embeddings (see <see cref="FusionHead.ModalityLogits"/> for what they are per head).</summary>
    public Tensor[] ModalityLogits(IReadOnlyList<Tensor> embeddings) => fusion.ModalityLogits(embeddings);

    /// <summary>Full forward pass.</summary>
    public ModelOutput Forward(IReadOnlyList<Tensor> inputs)
    {
        Tensor[] embeddings = Encode(inputs);
        return new ModelOutput(Fuse(embeddings), embeddings, () => ModalityLogits(embeddings));
    }

    /// <summary>
    /// Forward pass with missing modalities: <paramref name="presence"/> is [batch, modalities] of 1 (present) and 0 (absent);
    /// the output's embeddings are the fusion input, with absent modalities zeroed.
    /// </summary>
    public ModelOutput Forward(IReadOnlyList<Tensor> inputs, Tensor presence)
    {
        Tensor[] embeddings = MissingModality.Keep(Encode(inputs), presence);
        return new ModelOutput(Fuse(embeddings), embeddings, () => ModalityLogits(embeddings));
    }

    /// <summary>Parameters of the encoder of modality <paramref name="index"/>.</summary>
    public IEnumerable<Parameter> EncoderParameters(int index) => Encoder(index).parameters();

    /// <summary>Parameters of the fusion and classifier layers.</summary>
    public IEnumerable<Parameter> FusionParameters() => fusion.parameters();
}
