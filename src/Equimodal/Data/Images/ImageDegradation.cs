using Equimodal.Data;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Data.Images;

/// <summary>Ways to make grey images harder to read, on a batch [N, 1, H, W] with values in [0, 1].</summary>
public static class ImageDegradation
{
    /// <summary>
    /// The image pipeline of a recorded preprocessing, the one place it is written for loading (AV-Digits) and for
    /// reading files (evaluate and predict): frames [N, C, H, W] with values in [0, 1] lose the recorded principal
    /// components, are blurred (grey frames only), get the recorded occlusion (places drawn from <paramref name="random"/>,
    /// frame after frame) and are normalised by the recorded pixel statistics. The occlusion writes into its input.
    /// </summary>
    public static Tensor Apply(Tensor frames, InputPreprocessing recorded, Random random)
    {
        int channels = (int)frames.shape[1];
        if (recorded.RemovedComponents is { } removed) frames = RemoveComponents(frames, removed);
        if (recorded.Blur > 0)
        {
            if (channels != 1) throw new NotSupportedException($"Modality '{recorded.Modality}': the recorded blur applies to grey images only.");
            frames = Blur(frames, recorded.Blur);
        }
        if (recorded.Occlusion > 0) Occlude(frames, recorded.Occlusion, random);
        IReadOnlyList<float> mean = recorded.PixelMean ?? ImageTransform.DefaultMean(channels), std = recorded.PixelStd ?? ImageTransform.DefaultStd(channels);
        Tensor[] normalized = Enumerable.Range(0, channels).Select(c => (frames.narrow(1, c, 1) - Held(mean[c])) / Held(std[c])).ToArray();
        return channels == 1 ? normalized[0] : torch.cat(normalized, 1);
    }

    /// <summary>
    /// Removes <paramref name="fraction"/> of the images' energy (variance) by projecting out the fewest leading
    /// principal components that hold it, as AV-MNIST does; components are fitted on the rows in <paramref name="fitRows"/>.
    /// </summary>
    public static Tensor RemovePrincipalEnergy(Tensor images, double fraction, IReadOnlyList<int> fitRows) =>
        RemoveComponents(images, PrincipalEnergy(images, fraction, fitRows));

    /// <summary>The fewest leading principal components of the rows in <paramref name="fitRows"/> that hold <paramref name="fraction"/> of their energy.</summary>
    public static PrincipalComponents PrincipalEnergy(Tensor images, double fraction, IReadOnlyList<int> fitRows)
    {
        using var scope = torch.NewDisposeScope();
        Tensor flat = images.reshape(images.shape[0], -1).to_type(ScalarType.Float64);
        Tensor fit = flat.index_select(0, torch.tensor(fitRows.Select(i => (long)i).ToArray()));
        Tensor mean = fit.mean(new long[] { 0 }, keepdim: true);
        Tensor centred = fit - mean;
        Tensor covariance = centred.t().matmul(centred) / Held(Math.Max(1, fitRows.Count - 1));
        (Tensor values, Tensor vectors) = torch.linalg.eigh(covariance); // ascending eigenvalues
        double[] energy = values.flip(0).clamp_min(Held(0)).data<double>().ToArray();
        double total = energy.Sum(), running = 0;
        int components = 0;
        while (components < energy.Length && running < fraction * total) running += energy[components++];
        Tensor leading = vectors.flip(1).narrow(1, 0, components).t().contiguous();
        long features = flat.shape[1];
        double[] basis = leading.data<double>().ToArray();
        return new PrincipalComponents(mean.data<double>().ToArray(),
            Enumerable.Range(0, components).Select(c => basis.AsSpan(c * (int)features, (int)features).ToArray()).ToArray());
    }

    /// <summary>Projects <paramref name="components"/> out of every image: x - ((x - mean) B^T) B, in float64.</summary>
    public static Tensor RemoveComponents(Tensor images, PrincipalComponents components)
    {
        using var scope = torch.NewDisposeScope();
        long[] shape = images.shape;
        Tensor flat = images.reshape(shape[0], -1).to_type(ScalarType.Float64);
        Tensor mean = torch.tensor(components.Mean.ToArray(), new long[] { 1, components.Mean.Count });
        Tensor leading = components.Basis.Count == 0
            ? torch.zeros(components.Mean.Count, 0, ScalarType.Float64)
            : torch.tensor(components.Basis.SelectMany(row => row).ToArray(), new long[] { components.Basis.Count, components.Mean.Count }).t().contiguous();
        Tensor removed = flat - (flat - mean).matmul(leading).matmul(leading.t());
        return removed.to_type(images.dtype).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>Gaussian blur with standard deviation <paramref name="sigma"/> pixels (kernel radius 3 sigma, zero padding).</summary>
    public static Tensor Blur(Tensor images, double sigma)
    {
        using var scope = torch.NewDisposeScope();
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        float[] weights = Enumerable.Range(-radius, 2 * radius + 1).Select(x => (float)Math.Exp(-x * x / (2 * sigma * sigma))).ToArray();
        float sum = weights.Sum();
        Tensor kernel1d = torch.tensor(weights.Select(w => w / sum).ToArray());
        Tensor kernel = kernel1d.outer(kernel1d).reshape(1, 1, 2 * radius + 1, 2 * radius + 1);
        return nn.functional.conv2d(images, kernel, padding: new long[] { radius, radius }).MoveToOuterDisposeScope();
    }

    /// <summary>Hides a square of <paramref name="fraction"/> of each image's area, at a place drawn from <paramref name="random"/>.</summary>
    public static void Occlude(Tensor images, double fraction, Random random)
    {
        long height = images.shape[2], width = images.shape[3];
        long side = (long)Math.Round(Math.Sqrt(fraction * height * width));
        if (side == 0) return;
        for (long n = 0; n < images.shape[0]; n++)
        {
            long top = random.NextInt64(height - side + 1), left = random.NextInt64(width - side + 1);
            images[n, TensorIndex.Colon, TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)].fill_(Held(0));
        }
    }
}
