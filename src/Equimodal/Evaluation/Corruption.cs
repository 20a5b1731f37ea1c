using System.Globalization;
using Equimodal.Data.Images;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Evaluation;

/// <summary>
/// A test-time corruption of one modality's model input (never applied in training), written MODALITY:KIND=LEVEL:
/// <c>noise=SNR</c> white Gaussian noise at SNR dB below each sample's mean input power (for audio: on its spectrogram);
/// <c>gaussian=STD</c> Gaussian noise of that standard deviation (input units, i.e. after normalisation);
/// <c>occlusion=FRACTION</c> a square of that fraction of each image's area set to 0 (the mean colour after
/// normalisation), at one seeded place per clip; <c>blur=SIGMA</c> Gaussian blur of every frame (pixels).
/// The noise and the places are a function of the seed and the batch offset, so results reproduce.
/// </summary>
/// <param name="Modality">Modality name.</param>
/// <param name="Kind">noise, gaussian, occlusion or blur.</param>
/// <param name="Level">SNR (dB), standard deviation, area fraction or sigma.</param>
public sealed record Corruption(string Modality, string Kind, double Level)
{
    /// <summary>Valid kinds.</summary>
    public static readonly IReadOnlyList<string> Kinds = new[] { "noise", "gaussian", "occlusion", "blur" };

    /// <summary>Parses MODALITY:KIND=LEVEL.</summary>
    public static Corruption Parse(string text)
    {
        int colon = text.IndexOf(':'), equals = text.IndexOf('=');
        if (colon <= 0 || equals < colon + 2 || !double.TryParse(text[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double level))
            throw new ArgumentException($"Corruption '{text}' is not MODALITY:KIND=LEVEL (e.g. audio:noise=0, visual:occlusion=0.5).");
        var corruption = new Corruption(text[..colon], text[(colon + 1)..equals], level);
        corruption.Validate();
        return corruption;
    }

    /// <summary>Throws when the kind is unknown or the level out of range.</summary>
    public void Validate()
    {
        if (!Kinds.Contains(Kind)) throw new ArgumentException($"Unknown corruption '{Kind}'. Valid kinds: {string.Join(", ", Kinds)}.");
        if (Kind is "gaussian" or "blur" && Level <= 0) throw new ArgumentException($"{Kind} needs a positive level, got {Level}.");
        if (Kind == "occlusion" && Level is <= 0 or > 1) throw new ArgumentException($"occlusion needs an area fraction in (0, 1], got {Level}.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Modality}:{Kind}={Level.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The corrupted copy of <paramref name="input"/> (batch first); <paramref name="seed"/> drives the noise and places.</summary>
    public Tensor Apply(Tensor input, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, input.device);
        Tensor result;
        switch (Kind)
        {
            case "noise":
                Tensor power = input.pow(Held(2)).mean(Enumerable.Range(1, (int)input.dim() - 1).Select(d => (long)d).ToArray(), keepdim: true);
                result = input.add(randn(input.shape, generator: generator, device: input.device) * (power / Held(Math.Pow(10, Level / 10))).sqrt(), One);
                break;
            case "gaussian":
                result = input.add(randn(input.shape, generator: generator, device: input.device) * Held(Level), One);
                break;
            case "blur":
                long[] shape = input.shape;
                result = ImageDegradation.Blur(input.reshape(-1, 1, shape[^2], shape[^1]), Level).reshape(shape);
                break;
            default:
                result = Occlude(input, generator);
                break;
        }
        return result.MoveToOuterDisposeScope();
    }

    private Tensor Occlude(Tensor input, Generator generator)
    {
        long height = input.shape[^2], width = input.shape[^1];
        long side = Math.Max(1, (long)Math.Round(Math.Sqrt(Level * height * width)));
        Tensor result = input.clone();
        long[] tops = randint(height - side + 1, new[] { input.shape[0] }, generator: generator).data<long>().ToArray();
        long[] lefts = randint(width - side + 1, new[] { input.shape[0] }, generator: generator).data<long>().ToArray();
        for (long n = 0; n < input.shape[0]; n++)
            result[n][TensorIndex.Ellipsis, TensorIndex.Slice(tops[n], tops[n] + side), TensorIndex.Slice(lefts[n], lefts[n] + side)] = 0;
        return result;
    }
}
