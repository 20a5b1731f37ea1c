using System.Collections.Concurrent;
using Equimodal.Data.Audio;

namespace Equimodal.Data.Datasets;

/// <summary>
/// Reads WAV files as spectrograms and keeps every computed spectrogram in memory, so epochs after the first (and the
/// load-time check) never decode or transform the same file twice. With a noise level it adds white noise to each
/// waveform first, drawn from the reader's generator, and keeps nothing (every read draws new noise).
/// </summary>
public sealed class SpectrogramReader : IModalityReader
{
    private readonly SpectrogramFrontEnd _frontEnd;
    private readonly double? _noiseSnrDb;
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the reader of modality <paramref name="name"/>; <paramref name="noiseSnrDb"/> adds white noise at that SNR in dB.</summary>
    public SpectrogramReader(string name, SpectrogramSettings settings, double? noiseSnrDb = null)
    {
        _frontEnd = new SpectrogramFrontEnd(settings);
        _noiseSnrDb = noiseSnrDb;
        Spec = new ModalitySpec(name, ModalityKind.Spectrogram, _frontEnd.Shape);
    }

    /// <inheritdoc />
    public ModalitySpec Spec { get; }

    /// <inheritdoc />
    public InputPreprocessing Preprocessing => new() { Modality = Spec.Name, Reader = "spectrogram", Shape = Spec.Shape, Spectrogram = _frontEnd.Settings.Resolve(), NoiseSnrDb = _noiseSnrDb };

    /// <summary>Number of cached spectrograms.</summary>
    public int CachedCount => _cache.Count;

    /// <inheritdoc />
    public float[] Read(string path, bool training, Random random) => _noiseSnrDb is { } snr
        ? _frontEnd.Compute(WavReader.Read(path).WithWhiteNoise(snr, random))
        : _cache.GetOrAdd(path, p => _frontEnd.Compute(WavReader.Read(p)));
}
