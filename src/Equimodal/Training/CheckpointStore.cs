using System.Globalization;
using Equimodal.Runtime;

namespace Equimodal.Training;

/// <summary>
/// A folder of checkpoints. Each is written atomically (temporary file, flushed to disk, then renamed), so a crash
/// leaves either the old set or the new file, never half a file under a checkpoint name. The newest
/// <see cref="Keep"/> checkpoints are kept, plus the newest one written when the validation score improved.
/// Loading takes the newest checkpoint whose checksum holds and warns about every newer one that does not.
/// </summary>
public sealed class CheckpointStore
{
    private const string Extension = ".ckpt";
    private const string BestSuffix = "-best";
    private const string TemporaryExtension = ".tmp";

    /// <summary>
    /// Opens the folder; it is created by the first <see cref="Save"/>, so a rank that only reads (or a run refused
    /// before training) leaves nothing behind in a run folder it does not own.
    /// </summary>
    public CheckpointStore(string folder, int keep)
    {
        if (keep < 1) throw new ArgumentException($"A checkpoint store keeps at least 1 checkpoint, got {keep}.", nameof(keep));
        Folder = Path.GetFullPath(folder);
        Keep = keep;
    }

    /// <summary>Folder holding the checkpoint files.</summary>
    public string Folder { get; }

    /// <summary>How many of the newest checkpoints are kept.</summary>
    public int Keep { get; }

    /// <summary>Checkpoint files, newest first.</summary>
    public IReadOnlyList<string> Files() => !Directory.Exists(Folder) ? Array.Empty<string>() : Directory.GetFiles(Folder, "*" + Extension)
        .OrderByDescending(StepOf).ThenByDescending(f => f, StringComparer.Ordinal).ToArray();

    /// <summary>Writes <paramref name="checkpoint"/> atomically and prunes old files; returns the file's path.</summary>
    public string Save(Checkpoint checkpoint, bool isBest)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"step-{checkpoint.Progress.GlobalStep:D10}{(isBest ? BestSuffix : "")}{Extension}");
        string path = Path.Combine(Folder, name);
        string temporary = path + TemporaryExtension;
        Directory.CreateDirectory(Folder);
        byte[] bytes = CheckpointFormat.Serialize(checkpoint);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            FaultInjection.WriteCheckpoint(stream, bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        Prune();
        return path;
    }

    /// <summary>The newest readable checkpoint, or null when there is none; every unreadable newer file is reported to <paramref name="warn"/>.</summary>
    public Checkpoint? LoadLatest(Action<string>? warn = null)
    {
        if (!Directory.Exists(Folder)) return null;
        foreach (string file in Directory.GetFiles(Folder, "*" + TemporaryExtension)) File.Delete(file);
        var problems = new List<string>();
        foreach (string file in Files())
        {
            try
            {
                Checkpoint checkpoint = CheckpointFormat.Deserialize(File.ReadAllBytes(file));
                foreach (string problem in problems) warn?.Invoke($"{problem}; resuming from {Path.GetFileName(file)} instead.");
                return checkpoint;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or System.Text.Json.JsonException)
            {
                problems.Add($"Checkpoint {Path.GetFileName(file)} is unusable: {e.Message}");
            }
        }
        foreach (string problem in problems) warn?.Invoke($"{problem}; no older checkpoint is readable.");
        return null;
    }

    private void Prune()
    {
        IReadOnlyList<string> files = Files();
        string? newestBest = files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f).EndsWith(BestSuffix, StringComparison.Ordinal));
        foreach (string file in files.Skip(Keep).Where(f => f != newestBest)) File.Delete(file);
    }

    private static long StepOf(string file)
    {
        string name = Path.GetFileNameWithoutExtension(file);
        string digits = new(name.SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit).ToArray());
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long step) ? step : -1;
    }
}
