using Equimodal.Data;
using Equimodal.Data.Audio;
using NAudio.Wave;

namespace Equimodal.Tests.Data;

public class WavReaderTests
{
    private readonly string _folder = TestData.TempFolder();

    private AudioClip Decode(string name, WaveFormat format, byte[] data) =>
        WavReader.Read(TestMedia.WriteWav(Path.Combine(_folder, name), format, data));

    [Fact]
    public void Pcm_8_bit_is_unsigned_around_128()
    {
        AudioClip clip = Decode("u8.wav", new WaveFormat(8000, 8, 1), new byte[] { 128, 192, 0 });
        Assert.Equal(8000, clip.SampleRate);
        Assert.Equal(new[] { 0f, 0.5f, -1f }, clip.Samples);
    }

    [Fact]
    public void Pcm_16_24_and_32_bit_scale_to_unit_range()
    {
        byte[] s16 = new short[] { 0, 16384, -32768 }.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal(new[] { 0f, 0.5f, -1f }, Decode("s16.wav", new WaveFormat(8000, 16, 1), s16).Samples);

        byte[] s24 = new[] { 0, 0x400000, -0x800000 }.SelectMany(v => BitConverter.GetBytes(v).Take(3)).ToArray();
        Assert.Equal(new[] { 0f, 0.5f, -1f }, Decode("s24.wav", new WaveFormat(8000, 24, 1), s24).Samples);

        byte[] s32 = new[] { 0, 1 << 30, int.MinValue }.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal(new[] { 0f, 0.5f, -1f }, Decode("s32.wav", new WaveFormat(8000, 32, 1), s32).Samples);
    }

    [Fact]
    public void Ieee_float_and_extensible_formats_decode_exactly()
    {
        float[] values = { 0.25f, -0.75f, 0.125f };
        byte[] data = values.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal(values, Decode("f32.wav", WaveFormat.CreateIeeeFloatWaveFormat(16000, 1), data).Samples);

        byte[] s24 = new[] { 0x200000, -0x400000 }.SelectMany(v => BitConverter.GetBytes(v).Take(3)).ToArray();
        Assert.Equal(new[] { 0.25f, -0.5f }, Decode("ext24.wav", new WaveFormatExtensible(16000, 24, 1), s24).Samples);
    }

    [Fact]
    public void Multichannel_audio_is_mixed_to_the_channel_mean()
    {
        // Stereo frames (L, R): (0.5, -0.25), (1, 0).
        byte[] data = new[] { 0.5f, -0.25f, 1f, 0f }.SelectMany(BitConverter.GetBytes).ToArray();
        AudioClip clip = Decode("stereo.wav", WaveFormat.CreateIeeeFloatWaveFormat(8000, 2), data);
        Assert.Equal(new[] { 0.125f, 0.5f }, clip.Samples);
    }

    [Fact]
    public void Resampling_keeps_the_duration_and_the_tone()
    {
        string path = TestMedia.WriteTone(Path.Combine(_folder, "tone.wav"), 440, 8000, 0.5);
        AudioClip clip = WavReader.Read(path).ResampleTo(22_050);
        Assert.Equal(22_050, clip.SampleRate);
        Assert.Equal((int)Math.Round(4000 * 22_050 / 8000.0), clip.Samples.Length);
        // The 440 Hz tone keeps its amplitude 0.5 away from the edges.
        float peak = clip.Samples[2000..^2000].Max(Math.Abs);
        Assert.InRange(peak, 0.45f, 0.55f);
    }

    [Fact]
    public void Fitting_the_length_tiles_or_pads()
    {
        var clip = new AudioClip(new[] { 1f, 2f, 3f }, 8000);
        Assert.Equal(new[] { 1f, 2f, 3f, 1f, 2f, 3f, 1f }, clip.FitLength(7, tile: true).Samples);
        Assert.Equal(new[] { 1f, 2f, 3f, 0f, 0f }, clip.FitLength(5, tile: false).Samples);
        Assert.Equal(new[] { 1f, 2f }, clip.FitLength(2, tile: true).Samples);
    }

    [Fact]
    public void A_truncated_wav_names_the_file_and_the_missing_frames()
    {
        string path = TestMedia.WriteTone(Path.Combine(_folder, "cut.wav"), 440, 8000, 0.1);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^400]);
        var error = Assert.Throws<DataFileException>(() => WavReader.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("800", error.Message);
    }

    [Fact]
    public void A_non_riff_file_and_an_unsupported_encoding_are_named()
    {
        string text = Path.Combine(_folder, "notes.wav");
        File.WriteAllText(text, "this is not audio at all, just some words");
        var notRiff = Assert.Throws<DataFileException>(() => WavReader.Read(text));
        Assert.Contains(text, notRiff.Message);
        Assert.Contains("not a readable WAV", notRiff.Message);

        string alaw = TestMedia.WriteWav(Path.Combine(_folder, "alaw.wav"), WaveFormat.CreateALawFormat(8000, 1), new byte[] { 1, 2, 3, 4 });
        var unsupported = Assert.Throws<DataFileException>(() => WavReader.Read(alaw));
        Assert.Contains(alaw, unsupported.Message);
        Assert.Contains("unsupported encoding ALaw", unsupported.Message);

        var missing = Assert.Throws<DataFileException>(() => WavReader.Read(Path.Combine(_folder, "absent.wav")));
        Assert.Contains("not found", missing.Message);
    }
}
