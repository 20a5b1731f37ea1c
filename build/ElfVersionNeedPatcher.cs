// Marks one required symbol version of an ELF64 shared library as weak (VER_FLG_WEAK), so the
// dynamic loader accepts a system library that lacks that version. Used for TorchSharp's
// libLibTorchSharp.so, which requires GLIBCXX_3.4.32 only for std::ios_base_library_init(), a
// marker symbol nothing calls. Compiled both as an MSBuild inline task (build/TorchSharpNativeFix.targets)
// and into the tests (with ELF_PATCHER_LIBRARY_ONLY defined).
#nullable enable
using System;
using System.IO;
using System.Text;

namespace Equimodal.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher.MarkWeak"/> did to a file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The version requirement was strong and is now weak.</summary>
        Patched,
        /// <summary>The version requirement was already weak: nothing written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version: nothing written.</summary>
        VersionNotRequired,
        /// <summary>The file is not a little-endian ELF64 file: nothing written.</summary>
        NotElf64,
    }

    /// <summary>Edits the vna_flags of one vernaux entry in the .gnu.version_r section of an ELF64 file.</summary>
    public static class ElfVersionNeedPatcher
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>Sets VER_FLG_WEAK on the requirement of <paramref name="versionName"/>; idempotent.</summary>
        public static ElfPatchOutcome MarkWeak(string path, string versionName)
        {
            byte[] elf = File.ReadAllBytes(path);
            int flagsOffset = FindVernauxFlagsOffset(elf, versionName, out ElfPatchOutcome? failure);
            if (failure.HasValue) return failure.Value;
            ushort flags = BitConverter.ToUInt16(elf, flagsOffset);
            if ((flags & VerFlagWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
            byte[] patched = BitConverter.GetBytes((ushort)(flags | VerFlagWeak));
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                stream.Seek(flagsOffset, SeekOrigin.Begin);
                stream.Write(patched, 0, patched.Length);
            }
            return ElfPatchOutcome.Patched;
        }

        /// <summary>Whether the file requires <paramref name="versionName"/> and marks it weak; null when it does not require it.</summary>
        public static bool? IsWeak(string path, string versionName)
        {
            byte[] elf = File.ReadAllBytes(path);
            int flagsOffset = FindVernauxFlagsOffset(elf, versionName, out ElfPatchOutcome? failure);
            if (failure.HasValue) return null;
            return (BitConverter.ToUInt16(elf, flagsOffset) & VerFlagWeak) != 0;
        }

        /// <summary>True when a library file defines the symbol version <paramref name="versionName"/> (its name appears in the file).</summary>
        public static bool LibraryProvidesVersion(string libraryPath, string versionName)
        {
            byte[] library = File.ReadAllBytes(libraryPath);
            byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
            for (int i = 0; i + needle.Length <= library.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && library[i + j] == needle[j]) j++;
                if (j == needle.Length && (i == 0 || library[i - 1] == 0)) return true;
            }
            return false;
        }

        private static int FindVernauxFlagsOffset(byte[] elf, string versionName, out ElfPatchOutcome? failure)
        {
            failure = null;
            bool isElf64Le = elf.Length >= 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F'
                && elf[4] == 2 && elf[5] == 1;
            if (!isElf64Le) { failure = ElfPatchOutcome.NotElf64; return -1; }
            long sectionHeaders = BitConverter.ToInt64(elf, 0x28);
            int headerSize = BitConverter.ToUInt16(elf, 0x3A);
            int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
            for (int s = 0; s < sectionCount; s++)
            {
                int header = checked((int)(sectionHeaders + (long)s * headerSize));
                if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;
                long sectionOffset = BitConverter.ToInt64(elf, header + 0x18);
                uint linkedStrings = BitConverter.ToUInt32(elf, header + 0x28);
                long stringsOffset = BitConverter.ToInt64(elf, checked((int)(sectionHeaders + (long)linkedStrings * headerSize)) + 0x18);
                long verneed = sectionOffset;
                while (true)
                {
                    int auxCount = BitConverter.ToUInt16(elf, (int)verneed + 2);
                    long aux = verneed + BitConverter.ToUInt32(elf, (int)verneed + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        uint nameOffset = BitConverter.ToUInt32(elf, (int)aux + 8);
                        if (ReadCString(elf, stringsOffset + nameOffset) == versionName) return (int)aux + 4;
                        uint nextAux = BitConverter.ToUInt32(elf, (int)aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint nextNeed = BitConverter.ToUInt32(elf, (int)verneed + 12);
                    if (nextNeed == 0) break;
                    verneed += nextNeed;
                }
            }
            failure = ElfPatchOutcome.VersionNotRequired;
            return -1;
        }

        private static string ReadCString(byte[] data, long offset)
        {
            int end = (int)offset;
            while (end < data.Length && data[end] != 0) end++;
            return Encoding.ASCII.GetString(data, (int)offset, end - (int)offset);
        }
    }

#if !ELF_PATCHER_LIBRARY_ONLY
    /// <summary>MSBuild task: weakens GLIBCXX_3.4.32 in every libLibTorchSharp.so below a folder when the system libstdc++ lacks it.</summary>
    public class WeakenMissingGlibcxxVersion : Microsoft.Build.Utilities.Task
    {
        /// <summary>Folder searched recursively for the native library.</summary>
        [Microsoft.Build.Framework.Required]
        public string Directory { get; set; } = "";

        /// <summary>The version to weaken.</summary>
        public string VersionName { get; set; } = "GLIBCXX_3.4.32";

        /// <summary>Weaken even when this system's libstdc++ has the version (for output installed elsewhere, e.g. a tool package).</summary>
        public bool EvenWhenPresent { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            if (!System.IO.Directory.Exists(Directory)) return true;
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
                "/lib/x86_64-linux-gnu/libstdc++.so.6",
            };
            string? systemLibrary = Array.Find(candidates, File.Exists);
            bool systemLacksVersion = systemLibrary != null && !ElfVersionNeedPatcher.LibraryProvidesVersion(systemLibrary, VersionName);
            if (!systemLacksVersion && !EvenWhenPresent) return true;
            foreach (string library in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                ElfPatchOutcome outcome = ElfVersionNeedPatcher.MarkWeak(library, VersionName);
                if (outcome == ElfPatchOutcome.Patched)
                {
                    string reason = systemLacksVersion ? $"{systemLibrary} lacks it" : "for use on other systems";
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"Equimodal: marked {VersionName} weak in {library} ({reason}).");
                }
            }
            return true;
        }
    }
#endif
}
