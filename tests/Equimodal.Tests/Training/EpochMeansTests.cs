using Equimodal.Training;

using static TorchSharp.torch;

namespace Equimodal.Tests.Training;

public class EpochMeansTests
{
    [Fact]
    public void Per_modality_means_are_quantity_major_and_divide_by_the_steps_of_the_epoch()
    {
        var means = EpochMeans.PerModality("x", new[] { "k", "loss" }, new[] { "a", "b" });
        Assert.Equal(new[] { "x.k.a", "x.k.b", "x.loss.a", "x.loss.b" }, means.Names);
        means.Add(new[] { 1.0, 2.0 }, new[] { 0.5, 4.0 });
        means.Add(new[] { 3.0, 0.0 }, new[] { 1.5, 2.0 });
        var metrics = means.Metrics();
        Assert.Equal(2.0, metrics["x.k.a"]);
        Assert.Equal(1.0, metrics["x.k.b"]);
        Assert.Equal(1.0, metrics["x.loss.a"]);
        Assert.Equal(3.0, metrics["x.loss.b"]);
        means.Reset();
        Assert.All(means.Metrics().Values, v => Assert.Equal(0, v));
        Assert.Throws<ArgumentException>(() => means.Add(new[] { 1.0, 2.0 }));
    }

    [Fact]
    public void Saved_sums_restore_the_means_and_later_steps_continue_them()
    {
        var before = new EpochMeans("m", new[] { "p", "q" });
        before.Add(new[] { 1.0, 10.0 });
        var state = new Dictionary<string, Tensor>();
        before.SaveState(state);
        var resumed = new EpochMeans("m", new[] { "p", "q" });
        resumed.LoadState(state);
        foreach (EpochMeans means in new[] { before, resumed }) means.Add(new[] { 3.0, 20.0 });
        Assert.Equal(before.Metrics(), resumed.Metrics());
        Assert.Equal(2, resumed.Steps);
        Assert.Equal(15.0, resumed.Metrics()["q"]);
        // A checkpoint written before the sums were saved leaves the means empty instead of failing the resume.
        var old = new EpochMeans("m", new[] { "p", "q" });
        old.LoadState(new Dictionary<string, Tensor>());
        Assert.Equal(0, old.Steps);
        Assert.Throws<InvalidOperationException>(() => new EpochMeans("m", new[] { "p" }).LoadState(state));
        foreach (Tensor t in state.Values) t.Dispose();
    }
}
