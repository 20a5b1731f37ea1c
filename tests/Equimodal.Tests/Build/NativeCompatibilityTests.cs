using System.Runtime.InteropServices;
using Equimodal.Build;
using TorchSharp;

namespace Equimodal.Tests.Build;

public class NativeCompatibilityTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string PackagedLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static string SystemLibstdcxx() =>
        new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }.First(File.Exists);

    [SkippableFact]
    public void Patching_sets_only_the_weak_flag_and_is_idempotent()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && File.Exists(PackagedLibrary()), "needs Linux and TorchSharp's packaged native library");
        string copy = Path.GetTempFileName();
        File.Copy(PackagedLibrary(), copy, overwrite: true);
        try
        {
            byte[] before = File.ReadAllBytes(copy);
            Assert.False(ElfVersionNeedPatcher.IsWeak(copy, Version));
            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MarkWeak(copy, Version));
            Assert.True(ElfVersionNeedPatcher.IsWeak(copy, Version));
            byte[] after = File.ReadAllBytes(copy);
            int[] changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
            Assert.Single(changed);
            Assert.Equal(0x2, after[changed[0]] & ~before[changed[0]]);

            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MarkWeak(copy, Version));
            Assert.Equal(after, File.ReadAllBytes(copy));
            Assert.Equal(ElfPatchOutcome.VersionNotRequired, ElfVersionNeedPatcher.MarkWeak(copy, "GLIBCXX_9.9.9"));
            Assert.Equal(after, File.ReadAllBytes(copy));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void A_file_that_is_not_elf64_is_left_alone()
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, "not an ELF file at all, but long enough to have a header of sixty-four bytes........");
        try
        {
            Assert.Equal(ElfPatchOutcome.NotElf64, ElfVersionNeedPatcher.MarkWeak(path, Version));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Version_detection_matches_whole_names_only()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.320\0XGLIBCXX_3.4.32\0"));
            Assert.False(ElfVersionNeedPatcher.LibraryProvidesVersion(path, Version));
            File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0"));
            Assert.True(ElfVersionNeedPatcher.LibraryProvidesVersion(path, Version));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void The_build_patched_the_output_copy_exactly_when_the_system_lacks_the_version()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "the compatibility step runs on Linux only");
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        bool systemHasVersion = ElfVersionNeedPatcher.LibraryProvidesVersion(SystemLibstdcxx(), Version);
        Assert.Equal(!systemHasVersion, ElfVersionNeedPatcher.IsWeak(output, Version));
    }

    [Fact]
    public void TorchSharp_loads_and_computes_a_double_backward()
    {
        using var x = torch.tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        using var y = (x * x * x).sum();
        var grad = torch.autograd.grad(new[] { y }, new[] { x }, create_graph: true, retain_graph: true)[0];
        grad.sum().backward();
        Assert.Equal(new float[] { 6, 12, 18 }, x.grad!.data<float>().ToArray());
    }
}
