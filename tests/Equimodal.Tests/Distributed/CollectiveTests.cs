using Equimodal.Distributed;
using static TorchSharp.torch;

namespace Equimodal.Tests.Distributed;

public class CollectiveTests
{
    [Fact]
    public void Averages_sums_and_broadcasts_leave_a_single_process_untouched()
    {
        using var scope = NewDisposeScope();
        Tensor t = tensor(new[] { 0.1f, 0.2f });
        double[] values = { 0.1, 0.3 };
        Assert.Same(values, SingleProcess.Instance.Mean(values));
        Assert.Same(values, SingleProcess.Instance.Sum(values));
        SingleProcess.Instance.Average(t);
        Assert.Equal(new[] { 0.1f, 0.2f }, t.data<float>().ToArray());
    }

    [Fact]
    public void Statistics_are_summed_or_averaged_over_the_ranks()
    {
        var ranks = new SimulatedRanks(1.0, 5.0);
        Assert.Equal(new[] { 3.0, 8.0 }, ranks.Sum(new[] { 2.0, 3.0 }));
        Assert.Equal(new[] { 1.5, 4.0 }, ranks.Mean(new[] { 2.0, 3.0 }));
        using Tensor t = tensor(new[] { 3.0, 7.0 });
        ranks.Average(t);
        Assert.Equal(new[] { 2.0, 6.0 }, t.data<double>().ToArray());
    }
}
