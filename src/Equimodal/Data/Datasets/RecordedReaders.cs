namespace Equimodal.Data.Datasets;

/// <summary>Rebuilds the reader of a modality from its recorded <see cref="InputPreprocessing"/>, outside any dataset loader.</summary>
public static class RecordedReaders
{
    /// <summary>
    /// The reader that turns a file into the same input training saw: WAV files through the recorded spectrogram settings
    /// (then the recorded standardisation), frame folders or images through the recorded image settings and ImageNet
    /// normalisation, feature files of the recorded length. Throws <see cref="NotSupportedException"/> for inputs that
    /// have no file form (the generated benchmark) or whose image pipeline is not the frame reader's (AV-Digits' MNIST images).
    /// </summary>
    public static IModalityReader Create(InputPreprocessing recorded)
    {
        switch (recorded.Reader)
        {
            case "spectrogram":
                var spectrogram = new SpectrogramReader(recorded.Modality, recorded.Spectrogram ?? throw Incomplete(recorded, "spectrogram settings"));
                return recorded.Standardization is { } fitted ? new StandardizedReader(spectrogram, fitted) : spectrogram;
            case "frames":
                var frames = new FrameClipReader(recorded.Modality, recorded.Image ?? throw Incomplete(recorded, "image settings"));
                if (recorded.RemovedComponents is not null || recorded.Blur > 0 || !frames.Preprocessing.PixelMean!.SequenceEqual(recorded.PixelMean ?? Array.Empty<float>()))
                    throw new NotSupportedException($"Modality '{recorded.Modality}' was made from images by a dataset-specific pipeline (normalisation, removed components or blur) that the frame reader does not apply; predict on tensors instead.");
                return frames;
            case "vector":
                return new VectorFileReader(recorded.Modality, (int)recorded.Shape[0]);
            default:
                throw new NotSupportedException($"Modality '{recorded.Modality}' is generated in memory ({recorded.Reader}); it has no file form: predict on tensors instead.");
        }
    }

    private static InvalidDataException Incomplete(InputPreprocessing recorded, string what) =>
        new($"The recorded preprocessing of '{recorded.Modality}' lacks its {what}.");

    /// <summary>A reader followed by a fitted standardisation (x - mean) / std, as the dataset applied it.</summary>
    private sealed class StandardizedReader(IModalityReader inner, Standardization fitted) : IModalityReader
    {
        public ModalitySpec Spec => inner.Spec;

        public InputPreprocessing Preprocessing => inner.Preprocessing with { Standardization = fitted };

        public float[] Read(string path, bool training, Random random) =>
            inner.Read(path, training, random).Select(x => (x - fitted.Mean) / fitted.Std).ToArray();
    }
}
