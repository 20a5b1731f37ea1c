using Equimodal.Models;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Attribution;

/// <summary>
/// Occlusion (Zeiler &amp; Fergus, 2014): a window slides over each modality with a stride (time x mel patches of a
/// spectrogram, patches of each frame, blocks of a vector; <see cref="AttributionOptions.OcclusionWindows"/> and
/// <see cref="AttributionOptions.OcclusionStrides"/>), the covered features are replaced by the baseline, and every
/// covered feature gets its share of the drop, (f(x) - f(occluded x)) / window size, averaged over the windows that cover it.
/// Dividing by the window size is the convention of the group methods (<see cref="FeatureAblation"/>,
/// <see cref="KernelShap"/>, <see cref="Lime"/>), so on the same regions all of them give a region the same total and a
/// modality the same share; Captum instead repeats the whole drop on each element. The last window along a dimension
/// is placed flush with its end so every feature is covered (Captum leaves out a last window that would not fit), so
/// results differ from Captum's where the windows do not tile the input. A stride larger than the window would leave
/// features uncovered and is refused, as Captum refuses it. One forward row per window and sample, in chunks.
/// </summary>
public sealed class Occlusion : AttributionMethod
{
    /// <summary>Occlusion of plain functions.</summary>
    public Occlusion() { }

    /// <summary>Occlusion of <paramref name="model"/>.</summary>
    public Occlusion(MultimodalClassifier model) : base(model) { }

    /// <inheritdoc />
    protected override AttributionResult Compute(LogitsFunction function, IReadOnlyList<Tensor> points, AttributionTarget target, AttributionOptions options)
    {
        var (inputs, classes, baselines) = Perturbations.Prepare(function, points, target, options);
        Windows[] windows = inputs.Select((x, m) => Windows.Of(x.shape.Skip(1).ToArray(), options.OcclusionWindows?[m], options.OcclusionStrides?[m], m)).ToArray();
        long[] offsets = new long[inputs.Length + 1];
        for (int m = 0; m < inputs.Length; m++) offsets[m + 1] = offsets[m] + windows[m].Count;
        long perturbations = offsets[^1];

        // Row p of the evaluation occludes window p - offsets[m] of the modality m it falls in; the last row occludes nothing.
        Tensor values = Perturbations.Evaluate(function, inputs, baselines, perturbations + 1,
            rows => windows.Select((w, m) => w.Covered(rows - Held(offsets[m])).negative().add(Held(1), One)).ToArray(), classes, options);
        Tensor drops = values.narrow(1, perturbations, 1) - values.narrow(1, 0, perturbations);
        var attributions = new Tensor[inputs.Length];
        for (int m = 0; m < inputs.Length; m++)
        {
            Tensor covered = windows[m].Covered(arange(Held(0), Held(windows[m].Count), One, ScalarType.Int64)).flatten(1).to_type(ScalarType.Float64);
            Tensor sum = drops.narrow(1, offsets[m], windows[m].Count).to_type(ScalarType.Float64).matmul(covered);
            using Scalar windowSize = windows[m].Size.ToScalar();
            attributions[m] = sum.div(covered.sum(dim: 0)).div(windowSize).view(inputs[m].shape).to(inputs[m].dtype);
        }
        return new AttributionResult(attributions);
    }

    /// <summary>The window positions over one modality's sample.</summary>
    private sealed class Windows
    {
        private readonly long[] _shape;
        private readonly long[] _size;
        private readonly Tensor _starts;

        private Windows(long[] shape, long[] size, Tensor starts)
        {
            _shape = shape;
            _size = size;
            _starts = starts;
        }

        /// <summary>Number of window positions.</summary>
        public long Count => _starts.shape[0];

        /// <summary>Elements in one window.</summary>
        public long Size => _size.Aggregate(1L, (a, b) => a * b);

        public static Windows Of(long[] shape, long[]? window, long[]? stride, int modality)
        {
            window ??= Segmentation.Default(shape).BandSizes(shape)!;
            stride ??= window;
            if (window.Length != shape.Length || stride.Length != shape.Length)
                throw new ArgumentException($"Modality {modality}: the occlusion window ({string.Join(", ", window)}) and stride ({string.Join(", ", stride)}) need one size per sample dimension [{string.Join(", ", shape)}].");
            if (window.Where((w, d) => w < 1 || w > shape[d]).Any() || stride.Any(s => s < 1))
                throw new ArgumentException($"Modality {modality}: the occlusion window ({string.Join(", ", window)}) must fit the sample [{string.Join(", ", shape)}] and the stride ({string.Join(", ", stride)}) be positive.");
            if (stride.Where((s, d) => s > window[d]).Any())
                throw new ArgumentException($"Modality {modality}: the occlusion stride ({string.Join(", ", stride)}) is larger than the window ({string.Join(", ", window)}), which would leave features no window covers; use a stride no larger than the window.");
            long[][] startsPerDimension = shape.Select((size, d) => Starts(size, window[d], stride[d])).ToArray();
            IEnumerable<long[]> positions = new[] { Array.Empty<long>() };
            foreach (long[] starts in startsPerDimension)
                positions = positions.SelectMany(p => starts.Select(s => p.Append(s).ToArray()));
            long[] flat = positions.SelectMany(p => p).ToArray();
            return new Windows(shape, window, tensor(flat, ScalarType.Int64).view(-1, shape.Length));
        }

        /// <summary>
        /// Masks [rows, sample shape...] that are 1 inside window <paramref name="indices"/>[r] and 0 elsewhere; indices
        /// outside 0..Count-1 (rows that occlude another modality) give all zeros.
        /// </summary>
        public Tensor Covered(Tensor indices)
        {
            Tensor valid = indices.ge(Held(0)).logical_and(indices.lt(Held(Count)));
            Tensor starts = _starts.index_select(0, indices.clamp(Held(0), Held(Count - 1)));
            Tensor mask = valid.to_type(ScalarType.Float32).view(new[] { indices.shape[0] }.Concat(_shape.Select(_ => 1L)).ToArray());
            for (int d = 0; d < _shape.Length; d++)
            {
                Tensor position = arange(Held(0), Held(_shape[d]), One, ScalarType.Int64).unsqueeze(0);
                Tensor start = starts.select(1, d).unsqueeze(1);
                Tensor inside = position.ge(start).logical_and(position.lt(start.add(Held(_size[d]), One))).to_type(ScalarType.Float32);
                long[] shape = Enumerable.Repeat(1L, _shape.Length + 1).ToArray();
                shape[0] = indices.shape[0];
                shape[d + 1] = _shape[d];
                mask = mask * inside.view(shape);
            }
            return mask;
        }

        /// <summary>0, stride, 2 stride, ... while the window fits, plus a last window aligned with the end if needed.</summary>
        private static long[] Starts(long size, long window, long stride)
        {
            var starts = new List<long>();
            for (long s = 0; s + window <= size; s += stride) starts.Add(s);
            if (starts[^1] + window < size) starts.Add(size - window);
            return starts.ToArray();
        }
    }
}
