using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data;

/// <summary>
/// Deterministic generator of the built-in audio-visual benchmark. Audio is a 1 x F x T spectrogram with one
/// time-frequency pattern per audio group (tone, chirp or bursts); video is T_v frames with one shape per visual
/// group (square, ring, cross or stripes, at a group-dependent place, drifting across frames). Classes that share
/// a group in one modality can only be told apart by the other, so both modalities are needed; audio is cleaner
/// and learned faster, which makes joint training lean on it.
/// </summary>
public static class SyntheticAudioVisual
{
    /// <summary>Modality name of the spectrogram.</summary>
    public const string Audio = "audio";

    /// <summary>Modality name of the frames.</summary>
    public const string Visual = "visual";

    /// <summary>Generates the benchmark and splits it (stratified, seeded by <see cref="SyntheticOptions.DataSeed"/>).</summary>
    public static DatasetSplits Generate(SyntheticOptions options)
    {
        TensorDataset all = GenerateAll(options);
        var (rest, test) = DatasetSubset.StratifiedSplit(all, options.TestFraction, SeedStreams.SyntheticTestSplit(options.DataSeed));
        var (train, validation) = DatasetSubset.StratifiedSplit(rest, options.ValidationFraction / (1 - options.TestFraction), SeedStreams.SyntheticValidationSplit(options.DataSeed));
        return new DatasetSplits(train, validation, test)
        {
            Preprocessing = new DatasetPreprocessing(all.Modalities.Select(m => new InputPreprocessing { Modality = m.Name, Reader = "generated", Shape = m.Shape }).ToArray()),
        };
    }

    /// <summary>Generates all samples as one in-memory dataset, labels cycling through the classes.</summary>
    public static TensorDataset GenerateAll(SyntheticOptions options)
    {
        options.Validate();
        PatternMap audioPatterns = PatternMap.Parse(options.Classes, options.AudioAmbiguousPairs);
        PatternMap visualPatterns = PatternMap.Parse(options.Classes, options.VisualAmbiguousPairs);
        int n = options.Samples, f = options.FrequencyBins, t = options.TimeSteps, s = options.ImageSize, frames = options.Frames;
        var random = new Random(SeedStreams.SyntheticSamples(options.DataSeed));
        var audio = new float[n * f * t];
        var video = new float[n * frames * 3 * s * s];
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % options.Classes;
            labels[i] = label;
            RenderAudio(audio.AsSpan(i * f * t, f * t), audioPatterns, label, f, t, options.AudioNoise, random);
            RenderVideo(video.AsSpan(i * frames * 3 * s * s, frames * 3 * s * s), visualPatterns, label, frames, s, options.VisualNoise, random);
        }
        var modalities = new[]
        {
            new ModalitySpec(Audio, ModalityKind.Spectrogram, new long[] { 1, f, t }),
            new ModalitySpec(Visual, ModalityKind.Video, new long[] { frames, 3, s, s }),
        };
        string[] classNames = Enumerable.Range(0, options.Classes).Select(c => $"class{c}").ToArray();
        return new TensorDataset(modalities, classNames,
            new[] { torch.tensor(audio, new long[] { n, 1, f, t }), torch.tensor(video, new long[] { n, frames, 3, s, s }) },
            torch.tensor(labels));
    }

    /// <summary>
    /// Maps each class to its pattern group in one modality: classes joined by a fully ambiguous pair share a group.
    /// Groups are numbered by their smallest class.
    /// </summary>
    public static int[] PatternGroups(int classes, string ambiguousPairs) => PatternMap.Parse(classes, ambiguousPairs).Group;

    /// <summary>
    /// How one modality renders each class: its pattern group, and for partially ambiguous pairs ("a-b:s") the group that
    /// class b is blended towards with weight s (its rendering is (1 - s) * own + s * partner before noise).
    /// </summary>
    private sealed record PatternMap(int[] Group, int[] BlendGroup, double[] BlendWeight)
    {
        public int GroupCount => Group.Max() + 1;

        public static PatternMap Parse(int classes, string ambiguousPairs)
        {
            var pairs = new List<(int A, int B, double Similarity)>();
            foreach (string pair in ambiguousPairs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] parts = pair.Split(':');
                string[] ends = parts[0].Split('-');
                double similarity = 1;
                bool valid = parts.Length <= 2 && ends.Length == 2 && int.TryParse(ends[0], out _) && int.TryParse(ends[1], out _)
                    && (parts.Length == 1 || (double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out similarity) && similarity > 0 && similarity <= 1));
                if (!valid) throw new ArgumentException($"Ambiguous pair '{pair}' is not of the form a-b or a-b:similarity with similarity in (0, 1] (e.g. \"0-1,2-3:0.8\").");
                int a = int.Parse(ends[0]), b = int.Parse(ends[1]);
                if (a < 0 || b < 0 || a >= classes || b >= classes)
                    throw new ArgumentException($"Ambiguous pair '{pair}' names a class outside 0..{classes - 1}.");
                pairs.Add((a, b, similarity));
            }
            int[] parent = Enumerable.Range(0, classes).ToArray();
            int Find(int c) => parent[c] == c ? c : parent[c] = Find(parent[c]);
            foreach (var (a, b, _) in pairs.Where(p => p.Similarity >= 1))
            {
                int ra = Find(a), rb = Find(b);
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            }
            int[] roots = Enumerable.Range(0, classes).Select(Find).ToArray();
            int[] distinctRoots = roots.Distinct().Order().ToArray();
            int[] group = roots.Select(r => Array.IndexOf(distinctRoots, r)).ToArray();
            int[] blendGroup = (int[])group.Clone();
            var blendWeight = new double[classes];
            foreach (var (a, b, similarity) in pairs.Where(p => p.Similarity < 1))
            {
                blendGroup[b] = group[a];
                blendWeight[b] = similarity;
            }
            return new PatternMap(group, blendGroup, blendWeight);
        }
    }

    private static void RenderAudio(Span<float> target, PatternMap patterns, int label, int f, int t, double noise, Random random)
    {
        double centreJitter = (random.NextDouble() - 0.5) * 2;
        double amplitude = 0.8 + 0.4 * random.NextDouble();
        int shift = random.Next(t);
        int own = patterns.Group[label], partner = patterns.BlendGroup[label];
        double weight = patterns.BlendWeight[label];
        for (int time = 0; time < t; time++)
        {
            for (int bin = 0; bin < f; bin++)
            {
                double energy = (1 - weight) * AudioPattern(own, patterns.GroupCount, f, t, centreJitter, shift, bin, time)
                    + weight * AudioPattern(partner, patterns.GroupCount, f, t, centreJitter, shift, bin, time);
                target[bin * t + time] = (float)(amplitude * energy + noise * Gaussian(random));
            }
        }
    }

    private static double AudioPattern(int pattern, int patternCount, int f, int t, double centreJitter, int shift, int bin, int time)
    {
        int levels = (patternCount + 2) / 3;
        double centre = (pattern / 3 + 0.5) / levels * (f - 4) + 2 + centreJitter;
        double progress = (double)time / (t - 1);
        return (pattern % 3) switch
        {
            0 => Bump(bin - centre, 1.2),
            1 => Bump(bin - (centre + (progress - 0.5) * f * 0.5 * ((pattern / 3) % 2 == 0 ? 1 : -1)), 1.2),
            _ => ((time + shift) % 6 < 2 ? 1.0 : 0.0) * Bump(bin - centre, 4.0),
        };
    }

    private static void RenderVideo(Span<float> target, PatternMap patterns, int label, int frames, int s, double noise, Random random)
    {
        // Small jitter and drift keep the task non-trivial; both patterns of a blend share them.
        int jitterX = random.Next(-2, 3), jitterY = random.Next(-2, 3);
        int driftX = random.Next(-1, 2), driftY = random.Next(-1, 2);
        int own = patterns.Group[label], partner = patterns.BlendGroup[label];
        double weight = patterns.BlendWeight[label];
        for (int frame = 0; frame < frames; frame++)
        {
            for (int y = 0; y < s; y++)
            {
                for (int x = 0; x < s; x++)
                {
                    int dx = x - jitterX - driftX * frame, dy = y - jitterY - driftY * frame;
                    double intensity = (1 - weight) * VisualPattern(own, s, dx, dy) + weight * VisualPattern(partner, s, dx, dy);
                    for (int channel = 0; channel < 3; channel++)
                        target[((frame * 3 + channel) * s + y) * s + x] = (float)(intensity + noise * Gaussian(random));
                }
            }
        }
    }

    /// <summary>1 inside the shape of <paramref name="pattern"/> at un-jittered pixel (x, y), else 0.</summary>
    private static double VisualPattern(int pattern, int s, int x, int y)
    {
        int place = pattern / 4;
        int half = s / 5;
        // Places cycle through a 3x3 grid of anchor points.
        double dx = x - s * (0.25 + 0.25 * (place % 3)), dy = y - s * (0.25 + 0.25 * ((place / 3) % 3));
        bool inside = (pattern % 4) switch
        {
            0 => Math.Abs(dx) <= half && Math.Abs(dy) <= half,
            1 => Math.Abs(Math.Sqrt(dx * dx + dy * dy) - half) < 1.0,
            2 => (Math.Abs(dx) <= 1 && Math.Abs(dy) <= half) || (Math.Abs(dy) <= 1 && Math.Abs(dx) <= half),
            _ => Math.Abs(dx) <= half && Math.Abs(dy) <= half && ((int)Math.Floor(dx + dy + 100) % 4 < 2),
        };
        return inside ? 1.0 : 0.0;
    }

    private static double Bump(double distance, double width) => Math.Exp(-0.5 * distance * distance / (width * width));

    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
