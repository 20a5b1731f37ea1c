using NWaves.Operations;
using NWaves.Signals;

namespace Equimodal.Data.Audio;

/// <summary>A mono waveform with samples in [-1, 1] (as decoded) and its sampling rate.</summary>
/// <param name="Samples">Mono samples.</param>
/// <param name="SampleRate">Samples per second.</param>
public sealed record AudioClip(float[] Samples, int SampleRate)
{
    /// <summary>Duration in seconds.</summary>
    public double Seconds => (double)Samples.Length / SampleRate;

    /// <summary>The clip at <paramref name="rate"/> Hz (band-limited resampling by NWaves); the same clip when the rate already matches.</summary>
    public AudioClip ResampleTo(int rate)
    {
        if (rate <= 0) throw new ArgumentOutOfRangeException(nameof(rate), $"Sampling rate must be positive, got {rate}.");
        if (rate == SampleRate || Samples.Length == 0) return this;
        DiscreteSignal resampled = new Resampler().Resample(new DiscreteSignal(SampleRate, Samples), rate);
        // NWaves may produce a sample more or less than the exact ratio; the length follows the duration exactly.
        int length = (int)Math.Round((long)Samples.Length * rate / (double)SampleRate);
        var samples = new float[length];
        Array.Copy(resampled.Samples, samples, Math.Min(length, resampled.Samples.Length));
        return new AudioClip(samples, rate);
    }

    /// <summary>The clip with white Gaussian noise added at <paramref name="snrDb"/> dB below its mean power, drawn from <paramref name="random"/>.</summary>
    public AudioClip WithWhiteNoise(double snrDb, Random random)
    {
        double power = Samples.Length == 0 ? 0 : Samples.Average(v => (double)v * v);
        double std = Math.Sqrt(power / Math.Pow(10, snrDb / 10));
        var noisy = new float[Samples.Length];
        for (int i = 0; i < noisy.Length; i++)
        {
            // Box-Muller transform: one standard normal draw from two uniforms.
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            noisy[i] = (float)(Samples[i] + std * gaussian);
        }
        return this with { Samples = noisy };
    }

    /// <summary>
    /// The clip cut or extended to exactly <paramref name="length"/> samples: extended by repeating the clip
    /// (<paramref name="tile"/>, as the OGM-GE preprocessing does) or by trailing silence.
    /// </summary>
    public AudioClip FitLength(int length, bool tile)
    {
        var samples = new float[length];
        if (Samples.Length == 0) return new AudioClip(samples, SampleRate);
        if (!tile || Samples.Length >= length)
        {
            Array.Copy(Samples, samples, Math.Min(length, Samples.Length));
            return new AudioClip(samples, SampleRate);
        }
        for (int start = 0; start < length; start += Samples.Length)
            Array.Copy(Samples, 0, samples, start, Math.Min(Samples.Length, length - start));
        return new AudioClip(samples, SampleRate);
    }
}
