namespace Equimodal.Data.Datasets;

/// <summary>Reads one modality of a sample from its file or folder into a flat array of <see cref="Spec"/>'s shape.</summary>
public interface IModalityReader
{
    /// <summary>Name, kind and per-sample shape.</summary>
    ModalitySpec Spec { get; }

    /// <summary>How this reader turns a file into the input (recorded in the run folder, so a predictor rebuilds the same reader).</summary>
    InputPreprocessing Preprocessing { get; }

    /// <summary>
    /// Loads <paramref name="path"/>; <paramref name="training"/> enables augmentation driven by <paramref name="random"/>.
    /// Throws <see cref="DataFileException"/> naming the file when it is unusable. Must be thread-safe.
    /// </summary>
    float[] Read(string path, bool training, Random random);
}
