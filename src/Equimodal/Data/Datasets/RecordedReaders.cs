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

    /// <summary>
    /// The reader of modality <paramref name="name"/> of a dataset: rebuilt from <paramref name="recorded"/> (a run's
    /// preprocessing, so that evaluating a run reads its inputs as training did whatever the configuration says) when it
    /// describes the modality, else <paramref name="configured"/>'s (a new run).
    /// </summary>
    public static IModalityReader Of(string name, DatasetPreprocessing? recorded, Func<IModalityReader> configured) =>
        recorded?.Of(name) is { } entry ? Create(entry) : configured();

    private static InvalidDataException Incomplete(InputPreprocessing recorded, string what) =>
        new($"The recorded preprocessing of '{recorded.Modality}' lacks its {what}.");

    /// <summary>Frames read as values in [0, 1] (<paramref name="unit"/>), then <see cref="ImageDegradation.Apply"/> with the recorded settings.</summary>
    private sealed class DegradedFrameReader(InputPreprocessing recorded, FrameClipReader unit) : IModalityReader
    {
        public ModalitySpec Spec => unit.Spec;

        public InputPreprocessing Preprocessing => recorded;

        public float[] Read(string path, bool training, Random random)
        {
            using var scope = torch.NewDisposeScope();
            // One image per frame: [frames, channels, height, width].
            Tensor frames = torch.tensor(unit.Read(path, training, random), Spec.Shape);
            return ImageDegradation.Apply(frames, recorded, random).data<float>().ToArray();
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
