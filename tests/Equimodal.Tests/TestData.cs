using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;

namespace Equimodal.Tests;

/// <summary>Small, fast settings shared by tests that train.</summary>
public static class TestData
{
    /// <summary>A small synthetic benchmark (600 samples, 16x16 frames, 2 frames).</summary>
    public static readonly SyntheticOptions SmallSynthetic = new() { Samples = 600, ImageSize = 16, Frames = 2, FrequencyBins = 16, TimeSteps = 16 };

    /// <summary>A narrow model for tests.</summary>
    public static readonly ModelOptions TinyModel = new() { Width = 8, Depth = 2 };

    /// <summary>Short training on one thread (deterministic).</summary>
    public static readonly TrainingOptions ShortTraining = new() { Epochs = 2, BatchSize = 32, Threads = 1, Device = "cpu" };

    private static readonly Lazy<DatasetSplits> SmallSplits = new(() => SyntheticAudioVisual.Generate(SmallSynthetic));

    /// <summary>The small benchmark, generated once per test run.</summary>
    public static DatasetSplits Small => SmallSplits.Value;

    /// <summary>A fresh temporary folder.</summary>
    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "equimodal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
