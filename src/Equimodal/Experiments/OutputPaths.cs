namespace Equimodal.Experiments;

/// <summary>
/// Checks of the places a command writes to, made before any work starts: a folder target is never the filesystem root,
/// a home directory itself or a file; a file target is never a folder, an input of the same command, or an existing file
/// unless overwriting was asked for, and must be writable.
/// </summary>
public static class OutputPaths
{
    private const int ListedEntries = 5;

    /// <summary>Full path of the folder target <paramref name="path"/> of <paramref name="flag"/>, or an exception saying why it cannot be one.</summary>
    public static string CheckFolderTarget(string path, string flag)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(full)) throw new IOException($"{flag} {path} is a file; give a folder (a new or empty one).");
        if (Path.GetPathRoot(full) is { } root && Path.TrimEndingDirectorySeparator(root) == full)
            throw new IOException($"{flag} {path} is the filesystem root; give a folder of its own, e.g. runs/NAME.");
        if (HomeDirectories().Contains(full)) throw new IOException($"{flag} {path} is a home directory; give a folder of its own inside it, e.g. {Path.Combine(path, "runs", "NAME")}.");
        return full;
    }

    /// <summary>
    /// Checks the file target <paramref name="path"/> of <paramref name="flag"/>: not a folder, none of
    /// <paramref name="inputs"/>, not an existing file unless <paramref name="overwrite"/>, and writable (its folder is
    /// created). Returns the full path.
    /// </summary>
    public static string CheckFileTarget(string path, string flag, bool overwrite, IEnumerable<string> inputs)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{flag} {path} is a folder; give a file name, e.g. {Path.Combine(path, "out" + Path.GetExtension(path))}.");
        foreach (string input in inputs.Where(i => !string.IsNullOrEmpty(i)))
        {
            if (string.Equals(Path.GetFullPath(input), full, StringComparison.Ordinal))
                throw new IOException($"{flag} {path} is also an input of this command; writing it would destroy the input. Give another file name.");
        }
        if (File.Exists(full) && !overwrite) throw new IOException($"{flag} {path} already exists; give another file name, or add --overwrite to replace it.");
        CheckWritable(full, flag);
        return full;
    }

    /// <summary>
    /// Checks the folder target <paramref name="path"/> of <paramref name="flag"/> that receives generated files (pictures):
    /// a folder target (<see cref="CheckFolderTarget"/>), empty unless <paramref name="overwrite"/>, and writable (it is
    /// created). Returns the full path.
    /// </summary>
    public static string CheckFilesFolderTarget(string path, string flag, bool overwrite)
    {
        string full = CheckFolderTarget(path, flag);
        if (Directory.Exists(full) && !overwrite && Directory.EnumerateFileSystemEntries(full).Any())
            throw new IOException($"{flag} {path} is not empty (it holds {List(Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!)}); give another folder, or add --overwrite to replace files of the same names.");
        CheckWritable(Path.Combine(full, $".equimodal-write-test-{Environment.ProcessId}"), flag);
        return full;
    }

    /// <summary>The entries of <paramref name="folder"/> other than the lock files of <see cref="RunFolderLock"/>.</summary>
    public static string[] OwnEntries(string folder) => Directory.EnumerateFileSystemEntries(folder)
        .Select(Path.GetFileName)
        .Where(name => name is not (RunFolderLock.LockFile or RunFolderLock.OwnerFile))
        .Order(StringComparer.Ordinal)
        .ToArray()!;

    /// <summary>"a, b, c and 4 more" for messages.</summary>
    public static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(ListedEntries)) + (names.Count > ListedEntries ? $" and {names.Count - ListedEntries} more" : "");

    /// <summary>A sibling path "FOLDER.SUFFIX" (or "FOLDER.SUFFIX-2", ...) that does not exist yet.</summary>
    public static string FreeSibling(string folder, string suffix)
    {
        string candidate = $"{folder}.{suffix}";
        for (int i = 2; Directory.Exists(candidate) || File.Exists(candidate); i++) candidate = $"{folder}.{suffix}-{i}";
        return candidate;
    }

    private static void CheckWritable(string full, string flag)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (File.Exists(full))
            {
                using var existing = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                return;
            }
            using (new FileStream(full, FileMode.CreateNew, FileAccess.Write)) { }
            File.Delete(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{flag} {full} cannot be written ({e.Message}); nothing was computed. Choose a writable location.", e);
        }
    }

    private static HashSet<string> HomeDirectories()
    {
        var homes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? home in new[] { Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Environment.GetEnvironmentVariable("HOME") })
        {
            if (!string.IsNullOrEmpty(home)) homes.Add(Path.TrimEndingDirectorySeparator(Path.GetFullPath(home)));
        }
        if (Directory.Exists("/home")) homes.UnionWith(Directory.EnumerateDirectories("/home").Select(Path.TrimEndingDirectorySeparator));
        return homes;
    }
}
