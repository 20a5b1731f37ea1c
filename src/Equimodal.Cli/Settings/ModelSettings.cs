using System.ComponentModel;
using Equimodal.Models;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>The architecture part of the training flags; builds <see cref="ModelOptions"/>.</summary>
public abstract class ModelSettings : DataSettings
{
    /// <summary>Fusion head.</summary>
    [CommandOption("--fusion <NAME>")]
    [Description("Fusion head: concat, sum, film, gated, attention, shared, cosine or mmtm (some methods train their own: equimodal methods).")]
    [DefaultFrom(typeof(ModelOptions), nameof(ModelOptions.Fusion))]
    public string Fusion { get; init; } = "";

    /// <summary>Encoder family.</summary>
    [CommandOption("--encoder <NAME>")]
    [Description("Encoder for spectrograms and frames: small (CPU) or resnet18.")]
    [DefaultFrom(typeof(ModelOptions), nameof(ModelOptions.Encoder))]
    public string Encoder { get; init; } = "";

    /// <summary>Encoder width.</summary>
    [CommandOption("--width <N>")]
    [Description("Channels of the first stage of the small encoder.")]
    [DefaultFrom(typeof(ModelOptions), nameof(ModelOptions.Width))]
    public int Width { get; init; }

    /// <summary>Encoder depth.</summary>
    [CommandOption("--depth <N>")]
    [Description("Stages of the small encoder.")]
    [DefaultFrom(typeof(ModelOptions), nameof(ModelOptions.Depth))]
    public int Depth { get; init; }

    /// <summary>Embedding normalisation.</summary>
    [CommandOption("--embedding-norm <NAME>")]
    [Description("Normalisation of every embedding before fusion, kept at test time: none, l2 or layernorm (no affine).")]
    [DefaultFrom(typeof(ModelOptions), nameof(ModelOptions.EmbeddingNorm))]
    public string EmbeddingNorm { get; init; } = "";

    /// <inheritdoc />
    protected override void Check()
    {
        base.Check();
        ToModelOptions().Validate();
    }

    /// <summary>The architecture these flags describe.</summary>
    public ModelOptions ToModelOptions() => new() { Encoder = Encoder, Width = Width, Depth = Depth, Fusion = Fusion, EmbeddingNorm = EmbeddingNorm };
}
