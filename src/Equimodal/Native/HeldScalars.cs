using System.Collections.Concurrent;
using TorchSharp;

namespace Equimodal.Native;

/// <summary>
/// Scalars that stay alive for the whole process, for the numbers Equimodal passes to libtorch. TorchSharp 0.107 hands
/// a Scalar's native handle to libtorch without keeping the managed object alive, so a Scalar that nothing holds
/// (the result of an implicit conversion such as <c>x * 0.5</c>, or the <c>alpha</c> of 1 that <c>a + b</c> creates
/// inside TorchSharp) can be finalized by a garbage collection on another thread while the kernel is about to read it:
/// libtorch then fails with "toFloat" or an unknown Scalar type, or computes with a wrong value. Code in this library
/// therefore never converts a number to a Scalar implicitly: constants and option values come from <see cref="Held(double)"/>
/// (cached, one Scalar per distinct value), values that change every step are created with <c>ToScalar()</c> in a
/// <c>using</c> declaration, and additions pass an explicit <c>alpha</c> (<see cref="One"/>). A test scans the
/// library's IL and fails on any other Scalar (docs/contributing.md, "Numbers passed to libtorch").
/// </summary>
public static class HeldScalars
{
    private static readonly ConcurrentDictionary<long, Scalar> Reals = new();
    private static readonly ConcurrentDictionary<long, Scalar> Integers = new();

    /// <summary>The integer Scalar 1: the <c>alpha</c> of an addition, <c>a.add(b, One)</c> for <c>a + b</c>.</summary>
    public static Scalar One { get; } = Held(1);

    /// <summary>
    /// A held floating-point Scalar of <paramref name="value"/> (what <c>x * 0.5</c> converts 0.5 to). For constants and
    /// option values: every distinct value stays allocated until the process ends.
    /// </summary>
    public static Scalar Held(double value) =>
        Reals.GetOrAdd(BitConverter.DoubleToInt64Bits(value), static bits => BitConverter.Int64BitsToDouble(bits).ToScalar());

    /// <summary>
    /// A held integer Scalar of <paramref name="value"/> (what <c>x / 2</c> converts 2 to: integral, so integer tensors
    /// keep their type where the operation allows). For constants and sizes.
    /// </summary>
    public static Scalar Held(long value) => Integers.GetOrAdd(value, static v => v.ToScalar());
}
