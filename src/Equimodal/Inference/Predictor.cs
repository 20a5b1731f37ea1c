using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Data.Datasets;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Inference;

/// <summary>
/// A trained run loaded once for prediction: files are read with the run's recorded preprocessing (preprocessing.json:
/// spectrogram settings, image settings and normalisation, fitted statistics), so inputs are exactly what training saw.
/// A missing modality follows <see cref="MissingModality"/>: zero embedding at the fusion input, the prediction comes
/// from the modalities present. Not thread-safe; one instance per thread.
/// </summary>
public sealed class Predictor : IDisposable
{
    private readonly MultimodalClassifier _model;
    private readonly Device _device;
    private readonly (IModalityReader? Reader, string? Error)[] _readers;

    private Predictor(MultimodalClassifier model, RunConfig config, IReadOnlyList<InputPreprocessing> preprocessing, Device device, double labelThreshold)
    {
        _model = model;
        _device = device;
        ClassNames = config.ClassNames;
        Task = config.PredictionTask();
        LabelThreshold = labelThreshold;
        Modalities = config.Modalities;
        _readers = preprocessing.Select(TryCreateReader).ToArray();
        _model.to(device);
        _model.eval();
    }

    /// <summary>Class names (or the label or target names of a multi-label or regression model), in output order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The task the model was trained for: what a prediction's values are.</summary>
    public PredictionTask Task { get; }

    /// <summary>Multi-label: the probability at or above which a label is predicted, chosen on validation when the run was trained (NaN for other tasks).</summary>
    public double LabelThreshold { get; }

    /// <summary>The modalities the model reads, in input order.</summary>
    public IReadOnlyList<ModalitySpec> Modalities { get; }

    /// <summary>Opens the run folder at <paramref name="runFolder"/> on <paramref name="device"/> (CPU by default).</summary>
    public static Predictor Open(string runFolder, Device? device = null)
    {
        var folder = new RunFolder(runFolder);
        RunConfig config = folder.ReadConfig();
        DatasetPreprocessing recorded = folder.ReadPreprocessing()
            ?? throw new FileNotFoundException($"{folder.File(RunFolder.PreprocessingFile)} does not exist: the run was written before preprocessing was recorded; train it again to predict on files.");
        InputPreprocessing[] preprocessing = config.Modalities
            .Select(m => recorded.Of(m.Name) ?? throw new InvalidDataException($"{RunFolder.PreprocessingFile} does not describe modality '{m.Name}'."))
            .ToArray();
        double threshold = config.Task == TaskKind.MultiLabel ? folder.ReadResults().Validation.LabelThreshold : double.NaN;
        return new Predictor(folder.LoadModel(), config, preprocessing, device ?? CPU, threshold);
    }

    /// <summary>
    /// Predicts samples from files, in batches of <paramref name="batchSize"/>. A sample whose file cannot be read is
    /// returned as a failure (never thrown); <paramref name="onProgress"/> gets (samples done, samples in all) after each batch.
    /// A run that cannot read files at all (trained on the generated benchmark) throws <see cref="NotSupportedException"/>.
    /// </summary>
    public (IReadOnlyList<Prediction> Predictions, IReadOnlyList<PredictionFailure> Failures) PredictFiles(
        IReadOnlyList<PredictionSample> samples, int batchSize = 32, Action<int, int>? onProgress = null)
    {
        if (_readers.All(r => r.Reader is null))
            throw new NotSupportedException($"{_readers[0].Error} This run cannot predict files: train one on files (--dataset folder, avdigits, cremad or vggsound) to predict them.");
        var predictions = new List<Prediction>();
        var failures = new List<PredictionFailure>();
        var readable = new List<(string Id, float[]?[] Values)>();
        for (int start = 0; start < samples.Count; start += batchSize)
        {
            readable.Clear();
            foreach (PredictionSample sample in samples.Skip(start).Take(batchSize))
            {
                try
                {
                    readable.Add((sample.Id, Read(sample)));
                }
                catch (Exception e) when (e is DataFileException or NotSupportedException or ArgumentException)
                {
                    failures.Add(new PredictionFailure(sample.Id, e.Message));
                }
            }
            if (readable.Count > 0) predictions.AddRange(PredictArrays(readable));
            onProgress?.Invoke(Math.Min(start + batchSize, samples.Count), samples.Count);
        }
        return (predictions, failures);
    }

    /// <summary>
    /// Predicts a batch of tensors, one per modality in <see cref="Modalities"/> order ([batch, ...shape]); a null tensor
    /// is a modality missing for every sample, and <paramref name="presence"/> ([batch, modalities] of 1/0) marks
    /// modalities missing for single samples.
    /// </summary>
    public IReadOnlyList<Prediction> Predict(IReadOnlyList<Tensor?> inputs, IReadOnlyList<string>? ids = null, Tensor? presence = null)
    {
        using var scope = NewDisposeScope();
        Tensor first = inputs.FirstOrDefault(x => x is not null) ?? throw new ArgumentException("Every modality is missing: at least one input is needed.");
        long batch = first.shape[0];
        Tensor mask = (presence ?? ones(batch, inputs.Count)).to(float32).clone();
        for (int m = 0; m < inputs.Count; m++) if (inputs[m] is null) mask[.., m] = 0;
        Tensor?[] onDevice = inputs.Select(x => x?.to(_device)).ToArray();
        mask = mask.to(_device);
        double[][] probabilities;
        double[][] shares;
        using (no_grad())
        {
            Tensor[] embeddings = MissingModality.Keep(_model.Encode(onDevice), mask);
            Tensor logits = _model.Fuse(embeddings);
            probabilities = Rows(Task.Readout(logits));
            using (enable_grad())
            {
                ModalityShareMeasure measure = ModalityShareMeasure.Reported(_model);
                shares = Rows(Task.Kind == TaskKind.Classification
                    ? measure.Shares(embeddings, AttributionTarget.PredictedClass)
                    : measure.Shares(embeddings, AttributionTarget.Class(0), ofLogits: z => Task.PredictedValue(z).unsqueeze(1)));
            }
        }
        float[] present = mask.cpu().data<float>().ToArray();
        return Enumerable.Range(0, (int)batch).Select(i => new Prediction(
            ids?[i] ?? i.ToString(),
            probabilities[i],
            shares[i].Select(s => double.IsNaN(s) ? 0 : s).ToArray(),
            Modalities.Where((_, m) => present[i * inputs.Count + m] == 0).Select(m => m.Name).ToArray()) { Task = Task.Kind, LabelThreshold = LabelThreshold }).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();

    private float[]?[] Read(PredictionSample sample)
    {
        var values = new float[]?[Modalities.Count];
        for (int m = 0; m < Modalities.Count; m++)
        {
            string? path = sample.Paths.GetValueOrDefault(Modalities[m].Name);
            if (string.IsNullOrWhiteSpace(path) || !Path.Exists(path)) continue;
            IModalityReader reader = _readers[m].Reader ?? throw new NotSupportedException(_readers[m].Error);
            float[] read = reader.Read(path, false, new Random(SeedStreams.PredictedSample(sample.Id)));
            long expected = Modalities[m].Shape.Aggregate(1L, (a, b) => a * b);
            if (read.Length != expected)
            {
                throw new DataFileException(path, $"reads as {read.Length} values, but the model's {Modalities[m].Name} input is [{string.Join(", ", Modalities[m].Shape)}] ({expected} values): "
                    + $"{RunFolder.ConfigFile} and {RunFolder.PreprocessingFile} of the run disagree (was one edited?), or the file is not what the model reads");
            }
            values[m] = read;
        }
        if (values.All(v => v is null)) throw new DataFileException(sample.Id, "every modality is missing (no file found for any of " + string.Join(", ", Modalities.Select(m => m.Name)) + ")");
        return values;
    }

    private IReadOnlyList<Prediction> PredictArrays(IReadOnlyList<(string Id, float[]?[] Values)> samples)
    {
        using var scope = NewDisposeScope();
        var inputs = new Tensor[Modalities.Count];
        var presence = new float[samples.Count * Modalities.Count];
        for (int m = 0; m < Modalities.Count; m++)
        {
            long[] shape = Modalities[m].Shape;
            int length = (int)shape.Aggregate(1L, (a, b) => a * b);
            var values = new float[samples.Count * length];
            for (int i = 0; i < samples.Count; i++)
            {
                if (samples[i].Values[m] is not { } sample) continue;
                sample.CopyTo(values, i * length);
                presence[i * Modalities.Count + m] = 1;
            }
            inputs[m] = tensor(values, new[] { (long)samples.Count }.Concat(shape).ToArray());
        }
        return Predict(inputs, samples.Select(s => s.Id).ToArray(), tensor(presence, new long[] { samples.Count, Modalities.Count }));
    }

    private static (IModalityReader?, string?) TryCreateReader(InputPreprocessing preprocessing)
    {
        try
        {
            return (RecordedReaders.Create(preprocessing), null);
        }
        catch (NotSupportedException e)
        {
            return (null, e.Message);
        }
    }

    private static double[][] Rows(Tensor matrix)
    {
        long columns = matrix.shape[1];
        double[] flat = matrix.detach().cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        return Enumerable.Range(0, (int)matrix.shape[0]).Select(i => flat.AsSpan(i * (int)columns, (int)columns).ToArray()).ToArray();
    }
}
