namespace Equimodal.Data.Audio;

/// <summary>
/// How a waveform becomes a spectrogram. Preset <c>logmel</c>: log mel power spectrogram with configurable rate,
/// FFT size, hop and mel bands. Preset <c>ogm-ge</c>: the CREMA-D preprocessing of the published OGM-GE code
/// (22,050 Hz, clip tiled or cut to 3 s, values clipped to [-1, 1], STFT n_fft 512 hop 353, log magnitude: 257 x 188);
/// its rate, FFT, hop, length and mel settings are fixed and the other properties are ignored.
/// </summary>
public sealed record SpectrogramSettings
{
    /// <summary>Preset names.</summary>
    public static readonly IReadOnlyList<string> Presets = new[] { "logmel", "ogm-ge" };

    /// <summary>"logmel" or "ogm-ge".</summary>
    public string Preset { get; init; } = "logmel";

    /// <summary>Sampling rate the audio is resampled to.</summary>
    public int SampleRate { get; init; } = 16_000;

    /// <summary>FFT size (and Hann window length).</summary>
    public int FftSize { get; init; } = 512;

    /// <summary>Samples between frames.</summary>
    public int HopLength { get; init; } = 160;

    /// <summary>Mel bands; 0 keeps the linear-frequency bins (n_fft / 2 + 1).</summary>
    public int MelBands { get; init; } = 64;

    /// <summary>Every clip is cut or extended to this duration so all spectrograms have one shape.</summary>
    public double Seconds { get; init; } = 1.0;

    /// <summary>Extend short clips by repeating them (true) or with silence (false).</summary>
    public bool Tile { get; init; }

    /// <summary>The OGM-GE preset.</summary>
    public static SpectrogramSettings OgmGe { get; } = new()
    {
        Preset = "ogm-ge", SampleRate = 22_050, FftSize = 512, HopLength = 353, MelBands = 0, Seconds = 3.0, Tile = true,
    };

    /// <summary>The settings actually used: the fixed OGM-GE values for that preset, these settings otherwise.</summary>
    public SpectrogramSettings Resolve() => Preset == "ogm-ge" ? OgmGe : this;

    /// <summary>Whether samples are clipped to [-1, 1] before the STFT (the OGM-GE preprocessing does).</summary>
    public bool ClipSamples => Preset == "ogm-ge";

    /// <summary>Samples per clip after fitting the length.</summary>
    public int ClipSamplesCount => (int)Math.Round(Resolve().Seconds * Resolve().SampleRate);

    /// <summary>Per-sample shape [1, frequency bins, frames] (centered STFT: 1 + samples / hop frames).</summary>
    public long[] Shape
    {
        get
        {
            SpectrogramSettings s = Resolve();
            long bins = s.MelBands > 0 ? s.MelBands : s.FftSize / 2 + 1;
            return new[] { 1L, bins, 1L + ClipSamplesCount / s.HopLength };
        }
    }

    /// <summary>Throws with the first setting out of range.</summary>
    public void Validate()
    {
        if (!Presets.Contains(Preset)) throw new ArgumentException($"Unknown spectrogram preset '{Preset}'. Valid presets: {string.Join(", ", Presets)}.");
        SpectrogramSettings s = Resolve();
        if (s.SampleRate is < 1000 or > 384_000) throw new ArgumentException($"Spectrogram sample rate must be in 1000..384000 Hz, got {s.SampleRate}.");
        if (s.FftSize is < 16 or > 65_536) throw new ArgumentException($"Spectrogram FFT size must be in 16..65536, got {s.FftSize}.");
        if (s.HopLength < 1 || s.HopLength > s.FftSize) throw new ArgumentException($"Spectrogram hop must be in 1..{s.FftSize}, got {s.HopLength}.");
        if (s.MelBands < 0 || s.MelBands > s.FftSize / 2 + 1) throw new ArgumentException($"Mel bands must be in 0..{s.FftSize / 2 + 1}, got {s.MelBands}.");
        if (!(s.Seconds <= 600)) throw new ArgumentException($"Spectrogram clip length must be at most 600 s, got {s.Seconds}.");
        if (!(s.Seconds * s.SampleRate > s.FftSize / 2)) throw new ArgumentException($"Spectrogram clip length {s.Seconds} s is shorter than half an FFT window.");
    }
}
