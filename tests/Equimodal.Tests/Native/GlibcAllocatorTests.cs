using Equimodal.Native;
using Equimodal.Runtime;

namespace Equimodal.Tests.Native;

public class GlibcAllocatorTests
{
    [Theory]
    [InlineData(null, null, null, true)]
    [InlineData("", null, null, true)]
    [InlineData(" Tuned ", null, null, true)]
    [InlineData("default", null, null, false)]
    [InlineData(null, "65536", null, false)]
    [InlineData(null, null, "0", false)]
    [InlineData("tuned", "65536", null, false)]
    public void Tunes_unless_the_user_chose_the_allocator_settings(string? setting, string? mmap, string? trim, bool expected) =>
        Assert.Equal(expected, GlibcAllocator.ShouldTune(setting, mmap, trim));

    [Fact]
    public void An_invalid_setting_is_refused_naming_the_variable()
    {
        var error = Assert.Throws<ArgumentException>(() => GlibcAllocator.ShouldTune("fast", null, null));
        Assert.Contains("EQUIMODAL_MALLOC=fast", error.Message);
        Assert.Contains("tuned", error.Message);
    }

    [Fact]
    public void Preparing_the_runtime_tunes_glibc_on_linux()
    {
        NativeRuntime.Prepare();
        bool userChose = !GlibcAllocator.ShouldTune(Environment.GetEnvironmentVariable(GlibcAllocator.Variable),
            Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_"), Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_"));
        Assert.Equal(OperatingSystem.IsLinux() && !userChose, GlibcAllocator.Tuned);
    }
}
