using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Equimodal.Training;

/// <summary>The one place an optimizer's state (moments, step counts, learning rates) becomes checkpoint bytes and back.</summary>
internal static class OptimizerState
{
    /// <summary><paramref name="optimizer"/>'s state in TorchSharp's binary format.</summary>
    public static byte[] Save(optim.Optimizer optimizer)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) Helper(optimizer).save_state_dict(writer);
        return bytes.ToArray();
    }

    /// <summary>Restores into <paramref name="optimizer"/> what <see cref="Save"/> wrote.</summary>
    public static void Load(optim.Optimizer optimizer, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        Helper(optimizer).load_state_dict(reader);
    }

    private static OptimizerHelper Helper(optim.Optimizer optimizer) => optimizer as OptimizerHelper
        ?? throw new NotSupportedException($"Optimizer {optimizer.GetType().Name} cannot be checkpointed.");
}
