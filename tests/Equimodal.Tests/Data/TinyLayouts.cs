using System.Buffers.Binary;
using Equimodal.Data.Audio;
using Equimodal.Data.Datasets;
using Equimodal.Data.Images;
using SkiaSharp;

namespace Equimodal.Tests.Data;

/// <summary>Builds tiny datasets on disk in each loader's exact layout, with real WAV and JPEG files whose content depends on the class.</summary>
public static class TinyLayouts
{
    /// <summary>Small loading settings so tests stay fast.</summary>
    public static readonly DataLoadingOptions Options = new()
    {
        Spectrogram = new SpectrogramSettings { SampleRate = 8000, FftSize = 128, HopLength = 64, MelBands = 16, Seconds = 0.25 },
        Image = new ImageSettings { Size = 16, Frames = 2 },
        ValidationFraction = 0.25,
    };

    private static readonly SKColor[] Colors = { SKColors.Red, SKColors.Green, SKColors.Blue, SKColors.Yellow, SKColors.Cyan, SKColors.Magenta };

    /// <summary>Writes the audio (a class-dependent tone) and frames (a class-dependent colour) of one clip.</summary>
    public static void WriteClip(string wav, string frameFolder, int classIndex)
    {
        TestMedia.WriteTone(wav, 300 + 500 * classIndex, 8000, 0.2);
        TestMedia.WriteFrames(frameFolder, 3, Colors[classIndex % Colors.Length], size: 16);
    }

    /// <summary>CREMA-D (OGM-GE layout) with <paramref name="perClass"/> train and 1 test clip per class; returns the root.</summary>
    public static string CremaD(int perClass = 4)
    {
        string root = TestData.TempFolder();
        var train = new List<string>();
        var test = new List<string>();
        for (int c = 0; c < CremaDDataset.Classes.Count; c++)
        for (int k = 0; k <= perClass; k++)
        {
            string label = CremaDDataset.Classes[c];
            string clip = $"10{c}{k}_DFA_{label}_XX";
            WriteClip(Path.Combine(root, CremaDDataset.AudioFolder, clip + ".wav"), Path.Combine(root, CremaDDataset.FramesFolder, clip), c);
            (k < perClass ? train : test).Add($"{clip},{label}");
        }
        File.WriteAllLines(Path.Combine(root, "train.csv"), train);
        File.WriteAllLines(Path.Combine(root, "test.csv"), test);
        return root;
    }

    /// <summary>
    /// Rewrites every frame under <paramref name="root"/> with a dark left half, so random crops and flips change the pixels
    /// (a uniform frame looks the same flipped). Returns the root.
    /// </summary>
    public static string WithTexturedFrames(string root)
    {
        foreach (string frame in Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories))
            TestMedia.WriteImage(frame, 16, 16, SKColors.White, left: SKColors.Black);
        return root;
    }

    /// <summary>VGGSound with 3 classes; <paramref name="missing"/> listed clips have no files. Returns the root.</summary>
    public static string VggSound(int missing = 0)
    {
        string root = TestData.TempFolder();
        string[] labels = { "dog barking", "playing piano", "rain" };
        var lines = new List<string>();
        for (int c = 0; c < labels.Length; c++)
        for (int k = 0; k < 5; k++)
        {
            string id = $"yt{c}x{k}AbC";
            int start = 30 * k;
            lines.Add($"{id},{start},{labels[c].Replace(",", "")},{(k < 4 ? "train" : "test")}");
            string clip = VggSoundDataset.ClipName(id, start);
            WriteClip(Path.Combine(root, VggSoundDataset.AudioFolder, clip + ".wav"), Path.Combine(root, VggSoundDataset.FramesFolder, clip), c);
        }
        for (int m = 0; m < missing; m++) lines.Add($"gone{m},10,rain,train");
        File.WriteAllLines(Path.Combine(root, VggSoundDataset.ListFile), lines);
        return root;
    }

    /// <summary>Writes a 1-D little-endian .npy file of float32 or float64 values.</summary>
    public static string WriteNpy(string path, float[] values, bool float64 = false)
    {
        string header = $"{{'descr': '{(float64 ? "<f8" : "<f4")}', 'fortran_order': False, 'shape': ({values.Length},), }}";
        header = header.PadRight(118) + "\n"; // magic (6) + version (2) + length (2) + header = 128 bytes
        using var stream = File.Create(path);
        stream.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (float v in values) stream.Write(float64 ? BitConverter.GetBytes((double)v) : BitConverter.GetBytes(v));
        return path;
    }

    /// <summary>
    /// Writes a .safetensors file byte by byte: the 8-byte little-endian length of <paramref name="header"/> (UTF-8 JSON),
    /// the header, then <paramref name="data"/>.
    /// </summary>
    public static string WriteSafetensors(string path, string header, byte[] data)
    {
        byte[] json = System.Text.Encoding.UTF8.GetBytes(header);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        File.WriteAllBytes(path, length.Concat(json).Concat(data).ToArray());
        return path;
    }

    /// <summary>Writes one 1-D F32 or F64 tensor named "features" as .safetensors.</summary>
    public static string WriteSafetensors(string path, float[] values, bool float64 = false)
    {
        byte[] data = values.SelectMany(v => float64 ? BitConverter.GetBytes((double)v) : BitConverter.GetBytes(v)).ToArray();
        string header = $"{{\"features\":{{\"dtype\":\"{(float64 ? "F64" : "F32")}\",\"shape\":[{values.Length}],\"data_offsets\":[0,{data.Length}]}}}}";
        return WriteSafetensors(path, header, data);
    }

    /// <summary>Writes a 1-D float32 or float64 vector in the format named by the extension of <paramref name="path"/> (.npy or .safetensors).</summary>
    public static string WriteVector(string path, float[] values, bool float64 = false) =>
        Path.GetExtension(path) == ".npy" ? WriteNpy(path, values, float64) : WriteSafetensors(path, values, float64);

    /// <summary>A folder manifest with audio, frames and a vector modality stored as <paramref name="vectorExtension"/>; returns the root.</summary>
    public static string Folder(bool jsonLines, string vectorExtension = ".npy")
    {
        string root = TestData.TempFolder();
        var rows = new List<(string Id, string Label, string Split, string Audio, string Frames, string Vector)>();
        for (int c = 0; c < 2; c++)
        for (int k = 0; k < 6; k++)
        {
            string id = $"s{c}{k}";
            WriteClip(Path.Combine(root, "wav", id + ".wav"), Path.Combine(root, "frames", id), c);
            Directory.CreateDirectory(Path.Combine(root, "vec"));
            WriteVector(Path.Combine(root, "vec", id + vectorExtension), new[] { c, 1f - c, k / 10f }, float64: k % 2 == 0);
            rows.Add((id, c == 0 ? "cat" : "dog", k < 4 ? "train" : k == 4 ? "validation" : "test", $"wav/{id}.wav", $"frames/{id}", $"vec/{id}{vectorExtension}"));
        }
        if (jsonLines)
            File.WriteAllLines(Path.Combine(root, "manifest.jsonl"), rows.Select(r =>
                $"{{\"id\":\"{r.Id}\",\"label\":\"{r.Label}\",\"split\":\"{r.Split}\",\"sound\":\"{r.Audio}\",\"camera\":\"{r.Frames}\",\"embedding\":\"{r.Vector}\"}}"));
        else
            File.WriteAllLines(Path.Combine(root, "manifest.csv"), new[] { "id,label,split,sound,camera,embedding" }
                .Concat(rows.Select(r => $"{r.Id},{r.Label},{r.Split},{r.Audio},{r.Frames},{r.Vector}")));
        return root;
    }

    /// <summary>
    /// An AV-Digits root: FSDD-named tones (digit d at 200 + 150 d Hz) for <paramref name="speakers"/> x 10 digits x
    /// <paramref name="indices"/> recordings, and an IDX MNIST of <paramref name="imagesPerDigit"/> images per digit
    /// (image of digit d: a bar at row 2d).
    /// </summary>
    public static string AvDigits(string[] speakers, int indices, int imagesPerDigit = 3)
    {
        string root = TestData.TempFolder();
        string recordings = Directory.CreateDirectory(Path.Combine(root, "fsdd", "recordings")).FullName;
        foreach (string speaker in speakers)
        for (int digit = 0; digit < 10; digit++)
        for (int index = 0; index < indices; index++)
            TestMedia.WriteTone(Path.Combine(recordings, $"{digit}_{speaker}_{index}.wav"), 200 + 150 * digit, 8000, 0.15);
        int count = 10 * imagesPerDigit;
        var pixels = new byte[count * 28 * 28];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int x = 0; x < 28; x++) pixels[i * 784 + (2 * labels[i] + 4) * 28 + x] = 255;
        }
        WriteIdx(Path.Combine(root, "mnist10k", "images-idx3-ubyte"), 0x0803, new[] { count, 28, 28 }, pixels);
        WriteIdx(Path.Combine(root, "mnist10k", "labels-idx1-ubyte"), 0x0801, new[] { count }, labels);
        return root;
    }

    /// <summary>Writes an IDX file: big-endian magic, dimensions, then bytes.</summary>
    public static void WriteIdx(string path, int magic, int[] dimensions, byte[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var header = new byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        File.WriteAllBytes(path, header.Concat(data).ToArray());
    }

    /// <summary>
    /// A folder manifest with two vector modalities, "left" and "right" (MLP encoders, no BatchNorm): 32 training samples,
    /// 8 validation, 8 test, two classes shifted apart in both; returns the root. With <paramref name="task"/>
    /// "multilabel" the labels are <c>labels</c> ("yes" for class 1, "odd" for every odd sample), with "regression" a
    /// <c>target</c> (the class plus a quarter of the sample's position mod 4).
    /// </summary>
    public static string TwoVectors(string task = "classification")
    {
        string root = TestData.TempFolder();
        var random = new Random(11);
        string column = task switch { "multilabel" => "labels", "regression" => "target", _ => "label" };
        var rows = new List<string> { $"id,{column},split,left,right" };
        int id = 0;
        foreach ((string split, int count) in new[] { ("train", 32), ("validation", 8), ("test", 8) })
        {
            for (int k = 0; k < count; k++, id++)
            {
                int c = k % 2;
                float[] Vector(int size, float shift) => Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 2 - 1) + shift * c).ToArray();
                Directory.CreateDirectory(Path.Combine(root, "left"));
                Directory.CreateDirectory(Path.Combine(root, "right"));
                TinyLayouts.WriteVector(Path.Combine(root, "left", $"s{id}.npy"), Vector(4, 0.8f));
                TinyLayouts.WriteVector(Path.Combine(root, "right", $"s{id}.npy"), Vector(3, 0.4f));
                string labels = task switch
                {
                    "multilabel" => string.Join(";", new[] { c == 1 ? "yes" : null, id % 2 == 1 ? "odd" : null }.OfType<string>()),
                    "regression" => (c + 0.25 * (k % 4)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => c == 0 ? "no" : "yes",
                };
                rows.Add($"s{id},{labels},{split},left/s{id}.npy,right/s{id}.npy");
            }
        }
        File.WriteAllLines(Path.Combine(root, "manifest.csv"), rows);
        return root;
    }
}
