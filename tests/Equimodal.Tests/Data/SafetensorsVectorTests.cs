using System.Buffers.Binary;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using TorchSharp;

namespace Equimodal.Tests.Data;

public class SafetensorsVectorTests
{
    private static string Tensor(string name, string dtype, string shape, int begin, int end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    private static string Write(string header, byte[] data) =>
        TinyLayouts.WriteSafetensors(Path.Combine(TestData.TempFolder(), "x.safetensors"), header, data);

    private static string Problem(string path) => Assert.Throws<DataFileException>(() => SafetensorsVector.Read(path)).Message;

    [Fact]
    public void Float32_and_float64_vectors_round_trip()
    {
        string folder = TestData.TempFolder();
        float[] values = { 1.5f, -2f, 3.25e-3f, float.MaxValue };
        Assert.Equal(values, SafetensorsVector.Read(TinyLayouts.WriteSafetensors(Path.Combine(folder, "a.safetensors"), values)));
        Assert.Equal(values[..3], SafetensorsVector.Read(TinyLayouts.WriteSafetensors(Path.Combine(folder, "b.safetensors"), values[..3], float64: true)));
    }

    [Fact]
    public void Half_precision_singleton_dimensions_metadata_and_offsets_are_honoured()
    {
        // F16 1.5 = 0x3E00 and -2 = 0xC000; BF16 keeps the upper half of a float32: 0.15625f = 0x3E20_0000.
        byte[] half = { 0x00, 0x3E, 0x00, 0xC0 };
        byte[] bfloat = { 0x20, 0x3E };
        // The tensor starts 4 bytes into the data (after padding); metadata and header padding are ignored.
        string header = "{\"__metadata__\":{\"format\":\"pt\"}," + Tensor("x", "F16", "[1, 2, 1]", 4, 8) + "}   ";
        Assert.Equal(new[] { 1.5f, -2f }, SafetensorsVector.Read(Write(header, new byte[] { 9, 9, 9, 9 }.Concat(half).ToArray())));
        Assert.Equal(new[] { 0.15625f }, SafetensorsVector.Read(Write("{" + Tensor("y", "BF16", "[1]", 0, 2) + "}", bfloat)));
    }

    [Fact]
    public void A_file_saved_by_torchsharp_pybridge_is_read()
    {
        string path = Path.Combine(TestData.TempFolder(), "pybridge.safetensors");
        using var features = torch.tensor(new[] { 0.5f, -1f, 2f, 4f });
        TorchSharp.PyBridge.Safetensors.SaveStateDict(path, new Dictionary<string, torch.Tensor> { ["embedding"] = features });
        Assert.Equal(new[] { 0.5f, -1f, 2f, 4f }, SafetensorsVector.Read(path));
    }

    [Theory]
    [InlineData("{\"a\":", "header is not a JSON object")]
    [InlineData("[1, 2]", "header is not a JSON object")]
    [InlineData("{\"__metadata__\":{\"k\":\"v\"}}", "expected exactly one tensor, found 0 (none)")]
    [InlineData("{\"x\":{\"dtype\":\"F32\"}}", "tensor 'x' needs dtype, shape and data_offsets")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":\"three\",\"data_offsets\":[0,12]}}", "tensor 'x' has a malformed entry")]
    public void Malformed_headers_are_named(string header, string problem)
    {
        string path = Write(header, new byte[12]);
        Assert.StartsWith($"{path}: {problem}", Problem(path));
    }

    [Theory]
    [InlineData("F32", "[3]", 0, 12, "expected exactly one tensor, found 2 (a, b)")]
    [InlineData("I64", "[3]", 0, 24, "tensor 'a' has unsupported dtype 'I64' (supported: F32, F64, F16, BF16)")]
    [InlineData("F32", "[2, 3]", 0, 24, "tensor 'a' has shape [2, 3], expected a 1-D vector (other dimensions of size 1 are allowed)")]
    [InlineData("F32", "[]", 0, 4, "tensor 'a' has shape [], expected a 1-D vector (other dimensions of size 1 are allowed)")]
    [InlineData("F32", "[3]", 0, 8, "tensor 'a' has data_offsets [0, 8] but shape [3] of F32 needs 12 bytes")]
    [InlineData("F64", "[3]", 4, 28, "tensor 'a' has data_offsets [4, 28] beyond the 24 data bytes of the file")]
    public void Tensor_entries_that_do_not_fit_are_named(string dtype, string shape, int begin, int end, string problem)
    {
        // The first case adds a second tensor "b" to show that all names are listed.
        string second = problem.Contains("found 2") ? "," + Tensor("b", dtype, shape, begin, end) : "";
        string path = Write("{" + Tensor("a", dtype, shape, begin, end) + second + "}", new byte[24]);
        Assert.Equal($"{path}: {problem}", Problem(path));
    }

    [Fact]
    public void Missing_short_and_truncated_files_are_named()
    {
        string folder = TestData.TempFolder();
        string missing = Path.Combine(folder, "missing.safetensors");
        Assert.Equal($"{missing}: feature file not found", Problem(missing));

        string tiny = Path.Combine(folder, "tiny.safetensors");
        File.WriteAllBytes(tiny, new byte[] { 1, 2, 3 });
        Assert.Equal($"{tiny}: not a .safetensors file: 3 bytes, fewer than the 8-byte header length", Problem(tiny));

        string truncated = Path.Combine(folder, "truncated.safetensors");
        var bytes = new byte[20];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        File.WriteAllBytes(truncated, bytes);
        Assert.Equal($"{truncated}: header length 1000 exceeds the 12 bytes that follow it (truncated or not a .safetensors file)", Problem(truncated));
    }

    [Fact]
    public void The_vector_reader_dispatches_on_the_extension_and_lists_both_formats()
    {
        string folder = TestData.TempFolder();
        float[] values = { 0.5f, 1f };
        Assert.Equal(values, VectorFileReader.ReadVector(TinyLayouts.WriteNpy(Path.Combine(folder, "v.npy"), values)));
        Assert.Equal(values, VectorFileReader.ReadVector(TinyLayouts.WriteSafetensors(Path.Combine(folder, "v.SafeTensors"), values)));
        string text = Path.Combine(folder, "v.pt");
        File.WriteAllText(text, "");
        Assert.Equal($"{text}: unsupported feature file (supported: .npy, .safetensors)", Assert.Throws<DataFileException>(() => VectorFileReader.ReadVector(text)).Message);
        var reader = new VectorFileReader("embedding", 3);
        string shorter = TinyLayouts.WriteSafetensors(Path.Combine(folder, "short.safetensors"), values);
        Assert.Equal($"{shorter}: 2 values, expected 3 like the other samples", Assert.Throws<DataFileException>(() => reader.Read(shorter, false, new Random(0))).Message);
    }
}
