using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tests.Methods;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Equimodal.Tests;

public class NanRepro(ITestOutputHelper output)
{
    [Theory]
        [InlineData(2)]
    public void Repro(int threads)
    {
        _ = TestData.Small; torch.set_num_threads(threads);
        int bad = 0;
        for (int i = 0; i < 100; i++)
        {
            using var scope = (IDisposable?)null;
            using var bench = new MethodTestBench(MethodRegistry.Create("joint"));
            var (_, o) = bench.ForwardBackward(0);
            bool lossBad = !float.IsFinite(o.Loss.item<float>());
            var badParams = bench.Model.named_parameters().Where(p => !torch.isfinite(p.parameter).all().item<bool>()).Select(p => p.name).ToList();
            var badGrads = bench.Model.named_parameters().Where(p => p.parameter.grad is not null && !torch.isfinite(p.parameter.grad).all().item<bool>()).Select(p => p.name).ToList();
            bool inBad = bench.Batch.Inputs.Any(t => !torch.isfinite(t).all().item<bool>());
            if (lossBad || badParams.Count > 0 || badGrads.Count > 0 || inBad)
            {
                bad++;
                output.WriteLine($"iter {i}: loss {lossBad} in {inBad} params [{string.Join(",", badParams)}] grads {badGrads.Count} deepest [{badGrads.LastOrDefault()}]");
            }
        }
        output.WriteLine($"threads {threads}: bad {bad}/100");
        torch.set_num_threads(1);
    }
}
