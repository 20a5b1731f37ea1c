using Equimodal.Models;
using Equimodal.Native;
using TorchSharp;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;

namespace Equimodal.Tests.Build;

/// <summary>
/// No code of the library or the CLI passes libtorch a Scalar that nothing holds (docs/contributing.md, "Numbers passed
/// to libtorch"): TorchSharp 0.107 lets a garbage collection finalize such a Scalar during the native call.
/// </summary>
public class HeldScalarTests
{
    private static readonly Lazy<LibraryScalars> TorchSharpScalars = new(() => IlScalarScan.Library(typeof(Scalar).Assembly.Location));

    [Fact]
    public void Library_and_cli_create_no_scalar_they_do_not_hold()
    {
        string[] assemblies = { typeof(HeldScalars).Assembly.Location, typeof(Equimodal.Cli.Commands.TrainCommand).Assembly.Location };
        UnheldScalar[] found = assemblies.SelectMany(a => IlScalarScan.Scan(a, TorchSharpScalars.Value)).ToArray();
        Assert.True(found.Length == 0,
            "Scalars passed to libtorch without being held (use HeldScalars.Held(...) for constants, `using Scalar s = value.ToScalar();` " +
            "for values computed at run time, and a.add(b, One) for a + b; docs/contributing.md, \"Numbers passed to libtorch\"):\n" +
            string.Join("\n", found.Select(f => f.ToString())));
    }

    [Fact]
    public void The_scan_reads_torchsharps_own_implicit_scalars()
    {
        LibraryScalars library = TorchSharpScalars.Value;
        // From TorchSharp 0.107's source: add(Tensor) calls add(target, 1); sub(Tensor) has no alpha; square() is pow(2);
        // BatchNorm's forward counts batches with num_batches_tracked.add_(1); Conv2d's forward passes no number.
        Assert.Contains("TorchSharp.torch+Tensor::add(TorchSharp.torch+Tensor)", library.UnsafeMethods);
        Assert.Contains("TorchSharp.torch+Tensor::op_Addition(TorchSharp.torch+Tensor, TorchSharp.torch+Tensor)", library.UnsafeMethods);
        Assert.Contains("TorchSharp.torch+Tensor::square()", library.UnsafeMethods);
        Assert.DoesNotContain("TorchSharp.torch+Tensor::sub(TorchSharp.torch+Tensor)", library.UnsafeMethods);
        Assert.DoesNotContain("TorchSharp.torch+Tensor::add(TorchSharp.torch+Tensor, TorchSharp.Scalar)", library.UnsafeMethods);
        Assert.Contains("TorchSharp.Modules.BatchNorm2d", library.UnsafeTypes);
        Assert.Contains("TorchSharp.Modules.AdamW", library.UnsafeTypes);
        Assert.DoesNotContain("TorchSharp.Modules.Conv2d", library.UnsafeTypes);
        Assert.Contains("TorchSharp.ScalarExtensionMethods::ToScalar(Double)", library.Factories);
    }

    [Fact]
    public void The_scan_finds_each_kind_of_unheld_scalar_and_accepts_held_ones()
    {
        const string samples = "Equimodal.Tests.Build.ScalarSamples::";
        string[] flagged = IlScalarScan.Scan(typeof(ScalarSamples).Assembly.Location, TorchSharpScalars.Value)
            .Where(f => f.Method.StartsWith(samples, StringComparison.Ordinal))
            .Select(f => f.Method[samples.Length..f.Method.IndexOf('(')])
            .Distinct().Order().ToArray();
        Assert.Equal(new[] { "AdditionOfTensors", "ConversionToTemporary", "ImplicitConversion", "UnsafeModule" }, flagged);
    }

    [Fact]
    public void Held_scalars_keep_their_kind_and_value()
    {
        Assert.Same(Held(0.5), Held(0.5));
        Assert.NotSame(Held(2), Held(2.0));
        using Tensor integers = tensor(new long[] { 3, 4 });
        // An integer Scalar keeps an integer tensor integral, as `x * 2` does; a real one makes it floating point.
        Assert.Equal(ScalarType.Int64, (integers * Held(2)).dtype);
        Assert.Equal(ScalarType.Float32, (integers * Held(2.0)).dtype);
        Assert.Equal(new long[] { 7, 8 }, integers.add(Held(4), One).data<long>().ToArray());
        Assert.Equal(-0.0, Held(-0.0).ToDouble());
        Assert.True(double.IsNegative(Held(-0.0).ToDouble()));
    }

    [Fact]
    public void Batch_norm_with_held_scalars_matches_torchsharps()
    {
        manual_seed(5);
        using Tensor input = randn(6, 3, 4, 4);
        using var ours = new HeldScalarBatchNorm2d(3);
        using var theirs = nn.BatchNorm2d(3);
        Assert.Equal(theirs.state_dict().Keys.Order(), ours.state_dict().Keys.Order());
        for (int step = 0; step < 3; step++)
        {
            using Tensor expected = theirs.forward(input * Held(step + 1));
            using Tensor actual = ours.forward(input * Held(step + 1));
            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        }
        foreach (var (name, value) in theirs.state_dict()) Assert.True(value.to_type(ScalarType.Float64).equal(ours.state_dict()[name].to_type(ScalarType.Float64)).all().item<bool>(), name);
        Assert.Equal(3, ours.num_batches_tracked!.item<long>());
        ours.eval();
        theirs.eval();
        using Tensor evaluated = ours.forward(input);
        Assert.Equal(theirs.forward(input).data<float>().ToArray(), evaluated.data<float>().ToArray());
    }
}

/// <summary>Methods the scan must flag (the first four) or accept (the rest); never called.</summary>
internal static class ScalarSamples
{
    private static readonly Scalar Quarter = 0.25.ToScalar();

    public static Tensor ImplicitConversion(Tensor x) => x * 0.5;

    public static Tensor AdditionOfTensors(Tensor a, Tensor b) => a + b;

    public static Tensor ConversionToTemporary(Tensor x) => x.mul(0.5.ToScalar());

    public static nn.Module<Tensor, Tensor> UnsafeModule() => nn.BatchNorm2d(4);

    public static Tensor HeldConstant(Tensor x) => x * Held(0.5);

    public static Tensor StaticField(Tensor x) => x * Quarter;

    public static Tensor UsingDeclaration(Tensor x, double value)
    {
        using Scalar scale = value.ToScalar();
        return x * scale;
    }

    public static Tensor ExplicitAlpha(Tensor a, Tensor b) => a.add(b, One);

    public static Tensor Subtraction(Tensor a, Tensor b) => a - b;
}
