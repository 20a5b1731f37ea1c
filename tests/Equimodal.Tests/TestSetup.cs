using System.Runtime.CompilerServices;
using TorchSharp;

namespace Equimodal.Tests;

internal static class TestSetup
{
    /// <summary>One intra-op thread: deterministic results and no oversubscription when the machine is busy.</summary>
    [ModuleInitializer]
    internal static void UseOneThread() => torch.set_num_threads(1);
}
