using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

// Named like TorchSharp's class: an optimizer's saved state starts with its type name, so checkpoints load into either.
namespace Equimodal.Training.HeldScalars;

/// <summary>
/// TorchSharp's AdamW with every numeric argument of its native calls held as a <see cref="Scalar"/> until the call
/// returns. TorchSharp 0.107's own step converts numbers to Scalars implicitly and passes only their handles, so a garbage
/// collection on another thread during the call can finalize a Scalar the native kernel is about to read (the rare
/// "toFloat" crash in <c>AdamW.step</c>, bench/README.md). Same operations in the same order as TorchSharp's step, so
/// the result is bit-identical, and the same state (checkpoints and resume are unchanged).
/// </summary>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>An AdamW over parameter groups, with TorchSharp's defaults for what is not given.</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr, double weightDecay)
        : base(groups, lr, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        Options options = group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
        double lr = options.LearningRate!.Value, weightDecay = options.weight_decay!.Value;
        if (options.amsgrad!.Value || options.maximize!.Value)
            throw new NotSupportedException("This AdamW implements AdamW without amsgrad and maximize (Equimodal uses neither).");
        using Scalar decayFactor = (1.0 - lr * weightDecay).ToScalar(), beta1Scalar = beta1.ToScalar(), beta2Scalar = beta2.ToScalar();
        using Scalar oneMinusBeta1 = (1.0 - beta1).ToScalar(), oneMinusBeta2 = (1.0 - beta2).ToScalar(), epsScalar = eps.ToScalar();
        foreach (TorchSharp.Modules.Parameter parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            Tensor? grad = parameter.grad;
            if (grad is null) continue;
            state.step++;
            parameter.mul_(decayFactor);
            double biasCorrection1 = 1.0 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1.0 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(beta1Scalar).add_(grad, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, oneMinusBeta2);
            using Scalar rootBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar(), stepSize = (0.0 - lr / biasCorrection1).ToScalar();
            using Tensor root = state.exp_avg_sq.sqrt();
            using Tensor denominator = root.div(rootBiasCorrection2).add_(epsScalar, One);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}
