
namespace Equimodal.Experiments;

/// <summary>A run folder is being written by another process.</summary>
public sealed class RunFolderInUseException : IOException
{
    /// <summary>Names the folder and, when known, its holder.</summary>
    public RunFolderInUseException(string folder, string? holder, Exception inner)
        : base($"{folder} is in use by another Equimodal process ({holder ?? "holder unknown"}). Wait for it to finish, stop it, or write to another folder.", inner)
    {
        Folder = folder;
        Holder = holder;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The holder's description from the owner file, or null.</summary>
    public string? Holder { get; }
}
