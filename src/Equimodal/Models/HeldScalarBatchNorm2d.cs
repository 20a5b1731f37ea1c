using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// TorchSharp's BatchNorm2d with the same parameters, buffers and state names (weight, bias, running_mean, running_var,
/// num_batches_tracked) and the same computation, except that counting a training batch passes held Scalars: TorchSharp
/// 0.107's own forward adds 1 to num_batches_tracked through implicit Scalars that a garbage collection can finalize
/// during the native call (<see cref="Native.HeldScalars"/>).
/// </summary>
public sealed class HeldScalarBatchNorm2d : BatchNorm
{
    /// <summary>Batch normalisation over <paramref name="features"/> channels, with TorchSharp's and PyTorch's defaults (eps 1e-5, momentum 0.1, affine, running statistics).</summary>
    public HeldScalarBatchNorm2d(long features)
        : base(features, 1e-5, 0.1, affine: true, track_running_stats: true, device: null, dtype: null, name: "BatchNorm2d")
    {
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        double averagingFactor = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is not null)
        {
            num_batches_tracked.add_(One, One);
            averagingFactor = momentum ?? 1.0 / num_batches_tracked.item<long>();
        }
        bool useBatchStatistics = training || (running_mean is null && running_var is null);
        bool useRunningStatistics = !training || track_running_stats;
        return nn.functional.batch_norm(input, useRunningStatistics ? running_mean : null, useRunningStatistics ? running_var : null,
            weight, bias, useBatchStatistics, averagingFactor, eps);
    }

    /// <inheritdoc />
    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"expected 4D input, but got {input.ndim}D input.");
    }
}
