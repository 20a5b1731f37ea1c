using System.Security.Cryptography;

namespace Equimodal.Models;

/// <summary>
/// A SHA-256 beside every weights file Equimodal writes (<c>FILE.sha256</c>, in the format of <c>sha256sum</c>, so
/// <c>sha256sum -c model.bin.sha256</c> checks it too), verified before the weights are loaded: flipped bytes or a
/// truncated file fail loudly, naming the file, instead of loading as a model that quietly predicts nonsense.
/// </summary>
public static class WeightChecksum
{
    /// <summary>Suffix of the checksum file.</summary>
    public const string Suffix = ".sha256";

    /// <summary>Writes the checksum file of <paramref name="path"/>.</summary>
    public static void Write(string path) =>
        File.WriteAllText(path + Suffix, $"{Hash(path)}  {Path.GetFileName(path)}\n");

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming <paramref name="path"/> when its checksum file disagrees with it,
    /// or when <paramref name="required"/> and there is none (files from other tools have none and are read unchecked).
    /// </summary>
    public static void Verify(string path, bool required)
    {
        string sidecar = path + Suffix;
        if (!File.Exists(sidecar))
        {
            if (required) throw new InvalidDataException($"{path} has no checksum file {Path.GetFileName(sidecar)}, so its integrity cannot be checked (it is written with the weights).");
            return;
        }
        string expected = File.ReadAllText(sidecar).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (!string.Equals(expected, Hash(path), StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path} does not match its SHA-256 checksum in {Path.GetFileName(sidecar)}: the file is corrupt or truncated, or was changed after it was written.");
    }

    private static string Hash(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
