using Equimodal.Data.Audio;

namespace Equimodal.Tests.Data;

public class SpectrogramFrontEndTests
{
    private static AudioClip Tone(double frequency, int rate, double seconds) =>
        new(Enumerable.Range(0, (int)(rate * seconds)).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * frequency * i / rate))).ToArray(), rate);

    private static int PeakBin(float[] spectrogram, long[] shape)
    {
        int bins = (int)shape[1], frames = (int)shape[2];
        // Mean over time per bin.
        double[] mean = Enumerable.Range(0, bins).Select(b => Enumerable.Range(0, frames).Average(t => (double)spectrogram[b * frames + t])).ToArray();
        return Array.IndexOf(mean, mean.Max());
    }

    [Fact]
    public void Ogm_ge_preset_gives_257_by_188_and_a_tone_peaks_in_its_fft_bin()
    {
        var frontEnd = new SpectrogramFrontEnd(new SpectrogramSettings { Preset = "ogm-ge" });
        Assert.Equal(new long[] { 1, 257, 188 }, frontEnd.Shape);
        // A 1 s clip at 16 kHz: resampled to 22,050 Hz and tiled to 3 s.
        float[] spectrogram = frontEnd.Compute(Tone(2000, 16_000, 1.0));
        Assert.Equal(257 * 188, spectrogram.Length);
        // Bin k is k * 22050 / 512 Hz: 2000 Hz is bin 46.4.
        Assert.InRange(PeakBin(spectrogram, frontEnd.Shape), 46, 47);
        // Log magnitude: a bin far from the tone is many orders of magnitude below the peak.
        Assert.True(spectrogram[200 * 188 + 90] < spectrogram[46 * 188 + 90] - 5);
    }

    [Fact]
    public void Logmel_shape_follows_the_settings_and_higher_tones_peak_in_higher_mel_bands()
    {
        var settings = new SpectrogramSettings { SampleRate = 8000, FftSize = 256, HopLength = 80, MelBands = 40, Seconds = 0.5 };
        var frontEnd = new SpectrogramFrontEnd(settings);
        Assert.Equal(new long[] { 1, 40, 1 + 4000 / 80 }, frontEnd.Shape);
        int low = PeakBin(frontEnd.Compute(Tone(300, 8000, 0.5)), frontEnd.Shape);
        int mid = PeakBin(frontEnd.Compute(Tone(1000, 8000, 0.5)), frontEnd.Shape);
        int high = PeakBin(frontEnd.Compute(Tone(3000, 8000, 0.5)), frontEnd.Shape);
        Assert.True(low < mid && mid < high, $"peaks {low}, {mid}, {high}");
        // Slaney mel scale is linear below 1 kHz (200/3 Hz per mel), log above; 40 bands span 0..4000 Hz.
        double melTop = 15 + Math.Log(4000 / 1000.0) / (Math.Log(6.4) / 27);
        double Band(double hz) => (hz < 1000 ? hz / (200.0 / 3) : 15 + Math.Log(hz / 1000) / (Math.Log(6.4) / 27)) / melTop * 41 - 1;
        Assert.InRange(mid, Band(1000) - 1, Band(1000) + 1);
    }

    [Fact]
    public void Bad_settings_are_rejected_with_their_name()
    {
        Assert.Contains("Unknown spectrogram preset 'mfcc'", Assert.Throws<ArgumentException>(() => new SpectrogramFrontEnd(new SpectrogramSettings { Preset = "mfcc" })).Message);
        Assert.Contains("hop", Assert.Throws<ArgumentException>(() => new SpectrogramFrontEnd(new SpectrogramSettings { HopLength = 0 })).Message);
    }
}
