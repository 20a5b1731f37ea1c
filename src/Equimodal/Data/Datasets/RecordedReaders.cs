using Equimodal.Data.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Data.Datasets;

/// <summary>Rebuilds the reader of a modality from its recorded <see cref="InputPreprocessing"/>, outside any dataset loader.</summary>
public static class RecordedReaders
{
    /// <summary>
    /// The reader that turns a file into the same input training saw: WAV files through the recorded noise and spectrogram
    /// settings (then the recorded standardisation), frame folders or images through the recorded image settings, removed
    /// principal components, blur, occlusion and pixel normalisation (AV-Digits' MNIST pipeline included), feature files of
    /// the recorded length. Noise and occlusion are drawn from the generator each read is given.
    /// Throws <see cref="NotSupportedException"/> for inputs that have no file form (the generated benchmark).
    /// </summary>
    public static IModalityReader Create(InputPreprocessing recorded)
    {
        switch (recorded.Reader)
        {
            case "spectrogram":
                var spectrogram = new SpectrogramReader(recorded.Modality, recorded.Spectrogram ?? throw Incomplete(recorded, "spectrogram settings"), recorded.NoiseSnrDb);
                return recorded.Standardization is { } fitted ? new StandardizedReader(spectrogram, fitted) : spectrogram;
            case "frames":
                ImageSettings image = recorded.Image ?? throw Incomplete(recorded, "image settings");
                if (recorded.RemovedComponents is null && recorded.Blur == 0 && recorded.Occlusion == 0) return new FrameClipReader(recorded.Modality, image, recorded.PixelMean, recorded.PixelStd);
                return new DegradedFrameReader(recorded, new FrameClipReader(recorded.Modality, image, Enumerable.Repeat(0f, image.Channels).ToArray(), Enumerable.Repeat(1f, image.Channels).ToArray()));
            case "vector":
                return new VectorFileReader(recorded.Modality, (int)recorded.Shape[0]);
            default:
                throw new NotSupportedException($"Modality '{recorded.Modality}' is generated in memory ({recorded.Reader}); it has no file form: predict on tensors instead.");
        }
    }

    private static InvalidDataException Incomplete(InputPreprocessing recorded, string what) =>
        new($"The recorded preprocessing of '{recorded.Modality}' lacks its {what}.");

    /// <summary>
    /// Frames read as values in [0, 1] (<paramref name="unit"/>), then AV-Digits' order of operations: the recorded principal
    /// components projected out of each frame, the recorded blur, the recorded occlusion, then the recorded pixel normalisation.
    /// </summary>
    private sealed class DegradedFrameReader(InputPreprocessing recorded, FrameClipReader unit) : IModalityReader
    {
        public ModalitySpec Spec => unit.Spec;

        public InputPreprocessing Preprocessing => recorded;

        public float[] Read(string path, bool training, Random random)
        {
            using var scope = torch.NewDisposeScope();
            long[] shape = Spec.Shape;
            long channels = shape[1], plane = shape[2] * shape[3];
            // One image per frame: [frames, channels, height, width].
            Tensor frames = torch.tensor(unit.Read(path, training, random), shape);
            if (recorded.RemovedComponents is { } removed) frames = ImageDegradation.RemoveComponents(frames, removed);
            if (recorded.Blur > 0)
            {
                if (channels != 1) throw new NotSupportedException($"Modality '{recorded.Modality}': the recorded blur applies to grey images only.");
                frames = ImageDegradation.Blur(frames, recorded.Blur);
            }
            if (recorded.Occlusion > 0) ImageDegradation.Occlude(frames, recorded.Occlusion, random);
            float[] values = frames.data<float>().ToArray();
            IReadOnlyList<float> mean = recorded.PixelMean ?? ImageTransform.DefaultMean((int)channels), std = recorded.PixelStd ?? ImageTransform.DefaultStd((int)channels);
            for (int i = 0; i < values.Length; i++)
            {
                int c = (int)(i / plane % channels);
                values[i] = (values[i] - mean[c]) / std[c];
            }
            return values;
        }
    }

    /// <summary>A reader followed by a fitted standardisation (x - mean) / std, as the dataset applied it.</summary>
    private sealed class StandardizedReader(IModalityReader inner, Standardization fitted) : IModalityReader
    {
        public ModalitySpec Spec => inner.Spec;

        public InputPreprocessing Preprocessing => inner.Preprocessing with { Standardization = fitted };

        public float[] Read(string path, bool training, Random random) =>
            inner.Read(path, training, random).Select(x => (x - fitted.Mean) / fitted.Std).ToArray();
    }
}
