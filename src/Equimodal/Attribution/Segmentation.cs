using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// How one sample of a modality is cut into feature groups for the perturbation methods: contiguous bands along every
/// dimension (a time x mel grid over a spectrogram, patches per frame of a video, index blocks of a vector), or any
/// grouping the caller gives as a mask.
/// </summary>
public sealed class Segmentation
{
    /// <summary>Default bands: a spectrogram [channels, mels, time] gets 4 mel bands x 8 time bands.</summary>
    private static readonly int[] SpectrogramBands = { 1, 4, 8 };

    /// <summary>Default patches per frame side of a video [frames, channels, height, width].</summary>
    private const int VideoPatchesPerSide = 4;

    /// <summary>Default blocks of a vector, and bands per dimension for any other rank.</summary>
    private const int DefaultBlocks = 8;

    private readonly int[]? _bands;
    private readonly long[]? _mask;
    private readonly long[]? _maskShape;

    private Segmentation(int[]? bands, long[]? mask, long[]? maskShape)
    {
        _bands = bands;
        _mask = mask;
        _maskShape = maskShape;
    }

    /// <summary>
    /// Splits dimension d of the sample into <paramref name="bandsPerDimension"/>[d] contiguous, nearly equal bands
    /// (at most one per element); the groups are every combination of bands. E.g. (1, 4, 8) over a spectrogram
    /// [channels, mels, time] is a grid of 4 mel bands x 8 time bands, (frames, 1, 4, 4) over a video is 4 x 4 patches per frame.
    /// </summary>
    public static Segmentation Bands(params int[] bandsPerDimension)
    {
        if (bandsPerDimension.Length == 0 || bandsPerDimension.Any(b => b < 1))
            throw new ArgumentException($"Every dimension needs at least one band, got ({string.Join(", ", bandsPerDimension)}).");
        return new Segmentation(bandsPerDimension.ToArray(), null, null);
    }

    /// <summary>
    /// A grouping given element by element: <paramref name="groupOfEachElement"/> is shaped like one sample and holds
    /// any integer labels; elements with the same label form a group (groups are numbered in increasing label order).
    /// </summary>
    public static Segmentation FromMask(Tensor groupOfEachElement)
    {
        if (groupOfEachElement.is_floating_point()) throw new ArgumentException("A segmentation mask holds integer group labels, got floating point values.");
        long[] labels = groupOfEachElement.to_type(ScalarType.Int64).contiguous().cpu().data<long>().ToArray();
        return new Segmentation(null, labels, groupOfEachElement.shape.ToArray());
    }

    /// <summary>
    /// The default for a sample shape: vectors [features] in 8 index blocks; spectrograms [channels, mels, time] in
    /// 4 mel x 8 time bands; videos [frames, channels, height, width] in 4 x 4 patches per frame; other ranks in 8 bands per dimension.
    /// </summary>
    public static Segmentation Default(IReadOnlyList<long> sampleShape) => sampleShape.Count switch
    {
        1 => Bands(DefaultBlocks),
        3 => Bands(SpectrogramBands),
        4 => Bands((int)Math.Max(1, sampleShape[0]), 1, VideoPatchesPerSide, VideoPatchesPerSide),
        _ => Bands(Enumerable.Repeat(DefaultBlocks, Math.Max(1, sampleShape.Count)).ToArray()),
    };

    /// <summary>
    /// The group of every element of a sample of <paramref name="sampleShape"/>, flattened in row-major order, numbered
    /// 0..groups-1, together with the number of groups.
    /// </summary>
    public (long[] GroupOfElement, int Groups) Assign(IReadOnlyList<long> sampleShape)
    {
        if (_mask is not null)
        {
            if (!_maskShape!.SequenceEqual(sampleShape))
                throw new ArgumentException($"The segmentation mask has shape [{string.Join(", ", _maskShape!)}]; the sample has [{string.Join(", ", sampleShape)}].");
            long[] distinct = _mask.Distinct().Order().ToArray();
            var number = distinct.Select((label, index) => (label, index)).ToDictionary(p => p.label, p => (long)p.index);
            return (_mask.Select(label => number[label]).ToArray(), distinct.Length);
        }
        if (_bands!.Length != sampleShape.Count)
            throw new ArgumentException($"The segmentation gives bands for {_bands.Length} dimensions; the sample has {sampleShape.Count} ([{string.Join(", ", sampleShape)}]).");
        long[] bands = _bands.Select((b, d) => Math.Min(b, sampleShape[d])).ToArray();
        long elements = sampleShape.Aggregate(1L, (a, b) => a * b);
        var groups = new long[elements];
        for (long element = 0; element < elements; element++)
        {
            // Row-major: the last dimension varies fastest, in the element index as in the group index.
            long rest = element, group = 0, groupStride = 1;
            for (int d = sampleShape.Count - 1; d >= 0; d--)
            {
                long index = rest % sampleShape[d];
                rest /= sampleShape[d];
                group += index * bands[d] / sampleShape[d] * groupStride;
                groupStride *= bands[d];
            }
            groups[element] = group;
        }
        return (groups, (int)bands.Aggregate(1L, (a, b) => a * b));
    }

    /// <summary>The largest band along each dimension of <paramref name="sampleShape"/>; null for a mask.</summary>
    internal long[]? BandSizes(IReadOnlyList<long> sampleShape) =>
        _bands is null || _bands.Length != sampleShape.Count ? null
            : _bands.Select((b, d) => (sampleShape[d] + Math.Min(b, sampleShape[d]) - 1) / Math.Min(b, sampleShape[d])).ToArray();
}
