using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>
/// Moves weights between Equimodal and PyTorch. Parameter names are the module's state_dict names, which follow
/// torchvision (conv1, bn1, layer1.0.conv1, ...), so a state dict loads into the equivalent PyTorch module unchanged.
/// Writing uses TorchSharp.PyBridge; reading goes through a plain name-to-tensor dictionary so that prefixes can be
/// mapped for transfer learning.
/// </summary>
public static class WeightInterchange
{
    /// <summary>The format implied by a file name: .safetensors, or .pt/.pth/.bin for torch.save files.</summary>
    public static WeightFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".safetensors" => WeightFormat.Safetensors,
        ".pt" or ".pth" or ".bin" => WeightFormat.PyTorch,
        var other => throw new ArgumentException($"Cannot tell the weight format of '{path}' (extension '{other}'): use .safetensors, .pt or .pth."),
    };

    /// <summary>Parses a format name: safetensors or pt.</summary>
    public static WeightFormat ParseFormat(string name) => name switch
    {
        "safetensors" => WeightFormat.Safetensors,
        "pt" => WeightFormat.PyTorch,
        _ => throw new ArgumentException($"Unknown weight format '{name}'. Valid formats: safetensors, pt."),
    };

    /// <summary>Writes the module's state dict (parameters and buffers) to <paramref name="path"/>.</summary>
    public static void Save(nn.Module module, string path, WeightFormat format)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        if (format == WeightFormat.Safetensors) module.save_safetensors(path);
        else module.save_py(path);
        WeightChecksum.Write(path);
    }

    /// <summary>
    /// Reads a state dict (format from the file name), verifying the checksum file written beside it when there is one;
    /// the caller disposes the tensors. An unreadable file throws <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weight file {path} does not exist.", path);
        WeightFormat format = FormatOf(path);
        WeightChecksum.Verify(path, required: false);
        try
        {
            if (format == WeightFormat.Safetensors) return ReadSafetensors(path);
            using var stream = File.OpenRead(path);
            var table = PyTorchUnpickler.UnpickleStateDict(stream);
            return table.Keys.Cast<string>().ToDictionary(k => k, k => (Tensor)table[k]!);
        }
        catch (Exception e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            // Zip, pickle and JSON readers fail with their own wording ("End of Central Directory record could not be found").
            string kind = format == WeightFormat.Safetensors ? "safetensors" : "PyTorch (.pt)";
            throw new InvalidDataException($"{path} is not a readable {kind} weights file (truncated or corrupt?): {e.Message}", e);
        }
    }

    /// <summary>Loads a whole-model file into <paramref name="module"/>; every name and shape must match.</summary>
    public static void Load(nn.Module module, string path)
    {
        Dictionary<string, Tensor> state = ReadStateDict(path);
        try
        {
            CheckShapes(module.state_dict(), state, path);
            var expected = module.state_dict().Keys.ToHashSet();
            var missing = expected.Except(state.Keys).ToArray();
            var unexpected = state.Keys.Except(expected).ToArray();
            if (missing.Length > 0 || unexpected.Length > 0)
                throw new ArgumentException($"{path} does not fit the model: missing {Names(missing)}; unexpected {Names(unexpected)}.");
            using (no_grad()) module.load_state_dict(state);
        }
        finally
        {
            foreach (Tensor t in state.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Loads pretrained weights into one sub-module (e.g. a ResNet-18 state dict into the visual encoder). Keys lose
    /// <paramref name="sourcePrefix"/>, then are matched under the target prefix that covers most of them (an encoder's
    /// backbone lives under "backbone."). File keys with no counterpart (a classifier "fc.") are skipped and returned;
    /// every parameter of <paramref name="target"/> must be covered and shapes must agree.
    /// </summary>
    public static IReadOnlyList<string> LoadInto(nn.Module target, string path, string sourcePrefix = "")
    {
        Dictionary<string, Tensor> file = ReadStateDict(path);
        try
        {
            var source = file.Where(kv => kv.Key.StartsWith(sourcePrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[sourcePrefix.Length..], kv => kv.Value);
            var targetState = target.state_dict();
            string prefix = BestTargetPrefix(targetState.Keys, source.Keys);
            var mapped = source.Where(kv => targetState.ContainsKey(prefix + kv.Key)).ToDictionary(kv => prefix + kv.Key, kv => kv.Value);
            var uncovered = targetState.Keys.Except(mapped.Keys).ToArray();
            if (uncovered.Length > 0)
                throw new ArgumentException($"{path} (prefix '{sourcePrefix}') does not cover the encoder: missing {Names(uncovered)}.");
            CheckShapes(targetState, mapped, path);
            using (no_grad()) target.load_state_dict(mapped);
            return source.Keys.Where(k => !targetState.ContainsKey(prefix + k)).Order(StringComparer.Ordinal).ToArray();
        }
        finally
        {
            foreach (Tensor t in file.Values) t.Dispose();
        }
    }

    private static string BestTargetPrefix(IEnumerable<string> targetKeys, IEnumerable<string> sourceKeys)
    {
        var targets = targetKeys.ToHashSet();
        var prefixes = new HashSet<string> { "" };
        foreach (string key in targets)
            for (int dot = key.IndexOf('.'); dot >= 0; dot = key.IndexOf('.', dot + 1)) prefixes.Add(key[..(dot + 1)]);
        var sources = sourceKeys.ToArray();
        return prefixes.OrderByDescending(p => sources.Count(k => targets.Contains(p + k))).ThenBy(p => p.Length).First();
    }

    private static void CheckShapes(IDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> given, string path)
    {
        foreach (var (name, tensor) in given)
        {
            if (expected.TryGetValue(name, out Tensor? target) && !target.shape.SequenceEqual(tensor.shape))
                throw new ArgumentException($"{path}: '{name}' has shape [{string.Join(", ", tensor.shape)}], the model expects [{string.Join(", ", target.shape)}].");
        }
    }

    private static string Names(IReadOnlyCollection<string> names) =>
        names.Count == 0 ? "none" : string.Join(", ", names.Take(5)) + (names.Count > 5 ? $" and {names.Count - 5} more" : "");

    private static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new InvalidDataException($"{path} is too short to be a safetensors file.");
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (declared > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"{path} declares a header of {declared} bytes but only {bytes.Length - 8} follow (truncated or not a safetensors file).");
        long headerLength = (long)declared;
        long dataStart = 8 + headerLength;
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var state = new Dictionary<string, Tensor>();
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (dataStart + offsets[1] > bytes.Length) throw new InvalidDataException($"{path} is truncated: '{entry.Name}' ends past the end of the file.");
            Tensor tensor = empty(shape, ScalarTypeOf(entry.Value.GetProperty("dtype").GetString()));
            tensor.bytes = bytes.AsSpan((int)(dataStart + offsets[0]), (int)(offsets[1] - offsets[0])).ToArray();
            state[entry.Name] = tensor;
        }
        return state;
    }

    private static ScalarType ScalarTypeOf(string? name) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"Unsupported safetensors dtype '{name}'."),
    };
}
