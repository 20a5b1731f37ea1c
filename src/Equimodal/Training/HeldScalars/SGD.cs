using TorchSharp;
using static TorchSharp.torch;

// Named like TorchSharp's class: an optimizer's saved state starts with its type name, so checkpoints load into either.
namespace Equimodal.Training.HeldScalars;

/// <summary>
/// TorchSharp's SGD (momentum, weight decay as an L2 term) with its numeric arguments held as Scalars during the native
/// calls, for the reason and with the guarantees of <see cref="AdamW"/>.
/// </summary>
public sealed class SGD : TorchSharp.Modules.SGD
{
    /// <summary>An SGD over parameter groups.</summary>
    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum, double weightDecay)
        : base(groups, lr, momentum: momentum, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        Options options = group.Options;
        double momentum = options.momentum!.Value, dampening = options.dampening!.Value, weightDecay = options.weight_decay!.Value;
        if (options.nesterov!.Value || options.maximize!.Value)
            throw new NotSupportedException("This SGD implements SGD without nesterov and maximize (Equimodal uses neither).");
        using Scalar decay = weightDecay.ToScalar(), momentumScalar = momentum.ToScalar(), oneMinusDampening = (1.0 - dampening).ToScalar();
        using Scalar stepSize = (0.0 - options.LearningRate!.Value).ToScalar();
        foreach (TorchSharp.Modules.Parameter parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            Tensor? grad = parameter.grad;
            if (grad is null) continue;
            if (weightDecay != 0.0) grad = grad.add(parameter, decay);
            if (momentum != 0.0)
            {
                Tensor? buffer = state.momentum_buffer;
                if (buffer is null) buffer = state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                else buffer.mul_(momentumScalar).add_(grad, oneMinusDampening);
                grad = buffer;
            }
            parameter.add_(grad, stepSize);
        }
    }, closure);
}
