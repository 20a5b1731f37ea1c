using NWaves.Filters.Fda;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Data.Audio;

/// <summary>
/// Turns waveforms into fixed-size spectrograms: resample, fit the length, (clip), centered <c>torch.stft</c> with a
/// Hann window, then log magnitude (linear bins) or log mel power (NWaves Slaney mel filter bank).
/// Thread-safe: it only reads its filter bank.
/// </summary>
public sealed class SpectrogramFrontEnd
{
    // Floors inside the logarithm: the OGM-GE code uses 1e-7 on magnitudes; 1e-6 on mel power is about -60 dB.
    private const double MagnitudeFloor = 1e-7;
    private const double PowerFloor = 1e-6;

    // Clips per batched STFT: bounds the complex intermediate (e.g. 256 x 257 x 188 x 8 bytes = 99 MB for ogm-ge).
    private const int ChunkSize = 256;

    private readonly SpectrogramSettings _settings;
    private readonly float[]? _melBank;

    /// <summary>Creates the front end; <paramref name="settings"/> are validated.</summary>
    public SpectrogramFrontEnd(SpectrogramSettings settings)
    {
        settings.Validate();
        Settings = settings;
        _settings = settings.Resolve();
        if (_settings.MelBands > 0)
        {
            float[][] bank = FilterBanks.MelBankSlaney(_settings.MelBands, _settings.FftSize, _settings.SampleRate, 0, _settings.SampleRate / 2.0, true, null);
            _melBank = bank.SelectMany(row => row).ToArray();
        }
    }

    /// <summary>The settings as given (before resolving a preset).</summary>
    public SpectrogramSettings Settings { get; }

    /// <summary>Per-sample shape [1, bins, frames].</summary>
    public long[] Shape => Settings.Shape;

    /// <summary>The spectrogram of <paramref name="clip"/>, flattened row-major in <see cref="Shape"/>.</summary>
    public float[] Compute(AudioClip clip) => Compute(new[] { clip })[0];

    /// <summary>
    /// The spectrograms of <paramref name="clips"/>, each flattened row-major in <see cref="Shape"/>. One batched STFT
    /// over all clips: much faster than one call per clip, since every clip has the same length after fitting.
    /// </summary>
    public float[][] Compute(IReadOnlyList<AudioClip> clips) => clips.Chunk(ChunkSize).SelectMany(ComputeChunk).ToArray();

    private float[][] ComputeChunk(AudioClip[] clips)
    {
        int length = Settings.ClipSamplesCount;
        var samples = new float[clips.Length * length];
        Parallel.For(0, clips.Length, i =>
        {
            float[] fitted = clips[i].ResampleTo(_settings.SampleRate).FitLength(length, _settings.Tile).Samples;
            if (Settings.ClipSamples) for (int k = 0; k < fitted.Length; k++) fitted[k] = Math.Clamp(fitted[k], -1f, 1f);
            fitted.CopyTo(samples, i * length);
        });
        using var scope = torch.NewDisposeScope();
        Tensor wave = torch.tensor(samples, new long[] { clips.Length, length });
        Tensor window = torch.hann_window(_settings.FftSize);
        Tensor magnitude = torch.stft(wave, _settings.FftSize, _settings.HopLength, window: window, center: true,
            pad_mode: PaddingModes.Constant, return_complex: true).abs(); // [clips, n_fft/2+1, frames]
        Tensor result;
        if (_melBank is null)
        {
            result = magnitude.add(Held(MagnitudeFloor), One).log();
        }
        else
        {
            Tensor bank = torch.tensor(_melBank, new long[] { _settings.MelBands, _settings.FftSize / 2 + 1 });
            result = bank.matmul(magnitude.pow(Held(2))).add(Held(PowerFloor), One).log();
        }
        float[] flat = result.contiguous().data<float>().ToArray();
        int size = flat.Length / clips.Length;
        return Enumerable.Range(0, clips.Length).Select(i => flat.AsSpan(i * size, size).ToArray()).ToArray();
    }
}
