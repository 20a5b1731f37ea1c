using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Equimodal.Data;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// The byte layout of a checkpoint file: a magic string, the progress as JSON, four tensor sections, the trainer's
/// optimizer blob, the registered optimizers' blobs by name, the averaged weights' tensor section, and a SHA-256 of all
/// preceding bytes as the last 32 bytes. A truncated or altered file fails the checksum and is rejected before anything
/// is loaded. Formats 1 and 2 are read, no longer written: format 2 ends after the registered optimizers (no averaged
/// weights); format 1 after the trainer's optimizer blob, its methods keeping extra optimizers among their tensors.
/// </summary>
public static class CheckpointFormat
{
    private const string Magic = "EQUIMODAL-CHECKPOINT-3";
    private const string FormatTwoMagic = "EQUIMODAL-CHECKPOINT-2";
    private const string FormatOneMagic = "EQUIMODAL-CHECKPOINT-1";
    private const int HashBytes = 32;

    /// <summary>Serialises <paramref name="checkpoint"/> with its trailing checksum.</summary>
    public static byte[] Serialize(Checkpoint checkpoint)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(checkpoint.Progress, Json.Line));
            WriteTensors(writer, checkpoint.Model);
            WriteTensors(writer, checkpoint.BestModel);
            WriteTensors(writer, checkpoint.MethodState);
            WriteTensors(writer, new Dictionary<string, Tensor> { ["rng"] = checkpoint.RandomState });
            writer.Write(checkpoint.Optimizer.Length);
            writer.Write(checkpoint.Optimizer);
            writer.Write(checkpoint.RegisteredOptimizers.Count);
            foreach (var (name, state) in checkpoint.RegisteredOptimizers)
            {
                writer.Write(name);
                writer.Write(state.Length);
                writer.Write(state);
            }
            WriteTensors(writer, checkpoint.Averaged);
        }
        byte[] hash = SHA256.HashData(payload.GetBuffer().AsSpan(0, (int)payload.Length));
        payload.Write(hash);
        return payload.ToArray();
    }

    /// <summary>Reads a checkpoint; throws <see cref="InvalidDataException"/> when the file is truncated or corrupt.</summary>
    public static Checkpoint Deserialize(byte[] bytes)
    {
        if (bytes.Length <= HashBytes) throw new InvalidDataException($"the file has {bytes.Length} bytes, too short to be a checkpoint");
        ReadOnlySpan<byte> content = bytes.AsSpan(0, bytes.Length - HashBytes);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashBytes)))
            throw new InvalidDataException("the SHA-256 checksum does not match (truncated or corrupt file)");
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, content.Length), Encoding.UTF8);
        string magic = reader.ReadString();
        if (magic != Magic && magic != FormatTwoMagic && magic != FormatOneMagic) throw new InvalidDataException("not an Equimodal checkpoint");
        CheckpointProgress progress = JsonSerializer.Deserialize<CheckpointProgress>(reader.ReadString(), Json.Line)
            ?? throw new InvalidDataException("empty progress record");
        var model = ReadTensors(reader);
        var best = ReadTensors(reader);
        var method = ReadTensors(reader);
        Tensor rng = ReadTensors(reader)["rng"];
        byte[] optimizer = reader.ReadBytes(reader.ReadInt32());
        var registered = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int count = magic == FormatOneMagic ? 0 : reader.ReadInt32(), i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            registered[name] = reader.ReadBytes(reader.ReadInt32());
        }
        Dictionary<string, Tensor>? averaged = magic == Magic ? ReadTensors(reader) : null;
        return new Checkpoint(progress, model, best, optimizer, rng, method, registered, averaged);
    }

    private static void WriteTensors(BinaryWriter writer, IReadOnlyDictionary<string, Tensor> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            using var scope = NewDisposeScope();
            Tensor cpu = tensor.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)cpu.dtype);
            writer.Write(cpu.shape.Length);
            foreach (long size in cpu.shape) writer.Write(size);
            byte[] data = cpu.bytes.ToArray();
            writer.Write(data.Length);
            writer.Write(data);
        }
    }

    private static Dictionary<string, Tensor> ReadTensors(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        var tensors = new Dictionary<string, Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
            long[] shape = new long[reader.ReadInt32()];
            for (int d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
            byte[] data = reader.ReadBytes(reader.ReadInt32());
            Tensor tensor = empty(shape, dtype);
            tensor.bytes = data;
            tensors[name] = tensor.DetachFromDisposeScope();
        }
        return tensors;
    }
}
