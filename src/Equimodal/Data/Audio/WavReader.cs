using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace Equimodal.Data.Audio;

/// <summary>
/// Decodes RIFF/WAVE files with NAudio: PCM 8, 16, 24 and 32-bit and IEEE float 32-bit (plain or
/// WAVE_FORMAT_EXTENSIBLE), any channel count, mixed down to mono by averaging the channels.
/// </summary>
public static class WavReader
{
    /// <summary>Reads <paramref name="path"/>; throws <see cref="DataFileException"/> naming the file and the problem.</summary>
    public static AudioClip Read(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "audio file not found");
        try
        {
            using var reader = new WaveFileReader(path);
            WaveFormat format = reader.WaveFormat;
            WaveFormat plain = PlainFormat(path, format);
            using WaveStream source = ReferenceEquals(plain, format) ? reader : new RawSourceWaveStream(reader, plain);
            ISampleProvider samples = source.ToSampleProvider();
            long expected = reader.Length / format.BlockAlign * format.Channels;
            var interleaved = new float[expected];
            int read = 0;
            int chunk;
            while (read < interleaved.Length && (chunk = samples.Read(interleaved, read, interleaved.Length - read)) > 0) read += chunk;
            if (read < expected)
                throw new DataFileException(path, $"truncated: the data chunk declares {expected / format.Channels} frames but the file holds {read / format.Channels}");
            return new AudioClip(MixToMono(interleaved, format.Channels), format.SampleRate);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new DataFileException(path, $"not a readable WAV file ({e.Message})", inner: e);
        }
    }

    /// <summary>The format with WAVE_FORMAT_EXTENSIBLE replaced by its plain PCM or float equivalent; rejects other encodings.</summary>
    private static WaveFormat PlainFormat(string path, WaveFormat format)
    {
        WaveFormatEncoding encoding = format.Encoding;
        if (SubFormat(format) is { } sub)
        {
            if (sub == NAudio.Dmo.AudioMediaSubtypes.MEDIASUBTYPE_PCM) encoding = WaveFormatEncoding.Pcm;
            else if (sub == NAudio.Dmo.AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT) encoding = WaveFormatEncoding.IeeeFloat;
        }
        bool supported = encoding switch
        {
            WaveFormatEncoding.Pcm => format.BitsPerSample is 8 or 16 or 24 or 32,
            WaveFormatEncoding.IeeeFloat => format.BitsPerSample == 32,
            _ => false,
        };
        if (!supported)
            throw new DataFileException(path, $"unsupported encoding {encoding} {format.BitsPerSample}-bit (supported: PCM 8/16/24/32-bit, IEEE float 32-bit)");
        if (encoding == format.Encoding) return format;
        return encoding == WaveFormatEncoding.IeeeFloat
            ? WaveFormat.CreateIeeeFloatWaveFormat(format.SampleRate, format.Channels)
            : new WaveFormat(format.SampleRate, format.BitsPerSample, format.Channels);
    }

    /// <summary>The sub-format GUID of a WAVE_FORMAT_EXTENSIBLE header (after valid bits and channel mask), else null.</summary>
    private static Guid? SubFormat(WaveFormat format) => format switch
    {
        WaveFormatExtensible extensible => extensible.SubFormat,
        WaveFormatExtraData { Encoding: WaveFormatEncoding.Extensible, ExtraSize: >= 22 } extra => new Guid(extra.ExtraData.AsSpan(6, 16)),
        _ => null,
    };

    private static float[] MixToMono(float[] interleaved, int channels)
    {
        if (channels == 1) return interleaved;
        var mono = new float[interleaved.Length / channels];
        for (int i = 0; i < mono.Length; i++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += interleaved[i * channels + c];
            mono[i] = sum / channels;
        }
        return mono;
    }
}
