using System.Collections.Concurrent;
using Equimodal.Data.Audio;

namespace Equimodal.Data.Datasets;

/// <summary>
/// Reads WAV files as spectrograms and keeps every computed spectrogram in memory, so epochs after the first (and the
/// load-time check) never decode or transform the same file twice.
/// </summary>
public sealed class SpectrogramReader : IModalityReader
{
    private readonly SpectrogramFrontEnd _frontEnd;
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the reader of modality <paramref name="name"/>.</summary>
    public SpectrogramReader(string name, SpectrogramSettings settings)
    {
        _frontEnd = new SpectrogramFrontEnd(settings);
        Spec = new ModalitySpec(name, ModalityKind.Spectrogram, _frontEnd.Shape);
    }

    /// <inheritdoc />
    public ModalitySpec Spec { get; }

    /// <inheritdoc />
    public InputPreprocessing Preprocessing => new() { Modality = Spec.Name, Reader = "spectrogram", Shape = Spec.Shape, Spectrogram = _frontEnd.Settings.Resolve() };

    /// <summary>Number of cached spectrograms.</summary>
    public int CachedCount => _cache.Count;

    /// <inheritdoc />
    public float[] Read(string path, bool training, Random random) =>
        _cache.GetOrAdd(path, p => _frontEnd.Compute(WavReader.Read(p)));
}
