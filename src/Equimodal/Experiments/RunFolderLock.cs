using System.Globalization;

namespace Equimodal.Experiments;

/// <summary>
/// Ownership of a run folder by one writing process. The OS lock on <see cref="LockFile"/> is held for the owner's life
/// and released by the OS when the process dies, so a lock left by a killed process is free again and is taken over;
/// <see cref="OwnerFile"/> names the holder (pid, host, start time, command) so a refused writer can say who holds it.
/// The lock file itself stays in the folder: deleting it would let two processes lock two different files of one name.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>File holding the OS lock (empty; kept after release).</summary>
    public const string LockFile = "equimodal.lock";

    /// <summary>File naming the process that holds the lock (removed on release).</summary>
    public const string OwnerFile = "equimodal.owner";

    private readonly FileStream _lock;
    private string _owner;

    private RunFolderLock(FileStream held, string owner, string? takenOverFrom)
    {
        _lock = held;
        _owner = owner;
        TakenOverFrom = takenOverFrom;
    }

    /// <summary>The previous holder's description when its lock was left by a process that no longer runs; otherwise null.</summary>
    public string? TakenOverFrom { get; }

    /// <summary>
    /// Takes the lock of <paramref name="folder"/> (creating the folder if needed) or throws
    /// <see cref="RunFolderInUseException"/> naming the process that holds it.
    /// </summary>
    public static RunFolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        string lockPath = Path.Combine(folder, LockFile);
        string ownerPath = Path.Combine(folder, OwnerFile);
        FileStream held;
        try
        {
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new RunFolderInUseException(folder, ReadOwner(ownerPath), e);
        }
        string? previous = ReadOwner(ownerPath);
        File.WriteAllText(ownerPath, Describe(Environment.ProcessId, Environment.MachineName, DateTime.UtcNow) + "\n");
        return new RunFolderLock(held, ownerPath, previous);
    }

    /// <summary>Renames the locked folder <paramref name="folder"/> to <paramref name="destination"/>; the lock stays held and moves with it.</summary>
    public void MoveFolder(string folder, string destination)
    {
        Directory.Move(folder, destination);
        _owner = Path.Combine(destination, OwnerFile);
    }

    /// <summary>Releases the lock and removes the owner file.</summary>
    public void Dispose()
    {
        File.Delete(_owner);
        _lock.Dispose();
    }

    private static string Describe(int pid, string host, DateTime started) => string.Create(CultureInfo.InvariantCulture,
        $"pid {pid} on host {host}, started {started:yyyy-MM-dd HH:mm:ss} UTC: {string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Take(12))}");

    private static string? ReadOwner(string ownerPath)
    {
        try
        {
            return File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
