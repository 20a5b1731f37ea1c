using System.ComponentModel;
using System.Globalization;
using Equimodal.Attribution;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Equimodal.Cli.Commands;

/// <summary>`equimodal explain`: per-modality attribution shares of a saved model on test samples, with pictures.</summary>
public sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    /// <summary>Rows (sample x IG step or perturbation) per forward pass through the encoders: bounds memory for many samples or steps.</summary>
    private const int RowsPerPass = 128;

    /// <summary>
    /// The attribution methods --attribution chooses from, by name: a new method is one more entry. Each entry makes the
    /// method for a model; the options (IG steps, coalitions, the batch bound) are passed when attributing.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, AttributionChoice> Attributions = new Dictionary<string, AttributionChoice>(StringComparer.Ordinal)
    {
        ["ig"] = new("Integrated Gradients (zero baseline, Gauss-Legendre path)", model => new IntegratedGradients(model)),
        ["gxi"] = new("Gradient x Input", model => new GradientTimesInput(model)),
        ["saliency"] = new("absolute gradient", model => new Saliency(model)),
        ["occlusion"] = new("occlusion (time x mel patches, patches of each frame; zero baseline)", model => new Occlusion(model)),
        ["ablation"] = new("feature ablation (one group at a time; zero baseline)", model => new FeatureAblation(model)),
        ["kernelshap"] = new("KernelSHAP over the groups of all modalities (zero baseline)", model => new KernelShap(model)),
        ["lime"] = new("LIME over the groups of all modalities (zero baseline)", model => new Lime(model)),
    };

    /// <summary>One attribution method --attribution can name.</summary>
    /// <param name="Summary">One line for messages.</param>
    /// <param name="Create">Makes the method for a model.</param>
    public sealed record AttributionChoice(string Summary, Func<MultimodalClassifier, AttributionMethod> Create);

    /// <summary>Flags of `explain`.</summary>
    public sealed class Settings : SavedRunDataSettings
    {
        /// <summary>Number of test samples.</summary>
        [CommandOption("--count <N>")]
        [FormerName("samples")]
        [Description("Number of test samples to explain (the first N).")]
        [DefaultValue(4)]
        public int Count { get; init; } = 4;

        /// <summary>Attribution method.</summary>
        [CommandOption("--attribution <NAME>")]
        [FormerName("method")]
        [Description("Attribution method: ig (Integrated Gradients), gxi (Gradient x Input), saliency; or, without gradients, occlusion, ablation (feature ablation), kernelshap or lime over a time x mel grid of the spectrogram and patches of each frame.")]
        [DefaultValue("ig")]
        public string Attribution { get; init; } = "ig";

        /// <summary>IG steps.</summary>
        [CommandOption("--steps <N>")]
        [Description("Integrated Gradients: evaluation points on the path (Gauss-Legendre).")]
        [DefaultValue(32)]
        public int Steps { get; init; } = 32;

        /// <summary>KernelSHAP / LIME coalitions per sample.</summary>
        [CommandOption("--coalitions <N>")]
        [Description("kernelshap and lime: perturbed inputs per sample (seeded; default 2 x groups + 2048). KernelSHAP is exact when the groups have no more coalitions.")]
        public int? Coalitions { get; init; }

        /// <summary>Output folder for pictures.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Folder for the PNG pictures (default: RUN/explain).")]
        public string? Out { get; init; }

        /// <summary>Replace pictures of an earlier explain.</summary>
        [CommandOption("--overwrite")]
        [Description("Write into --out even when it holds files (pictures of the same names are replaced); refused otherwise.")]
        public bool Overwrite { get; init; }

        /// <inheritdoc />
        protected override void Check()
        {
            base.Check();
            if (Count < 1) throw new ArgumentException($"--count must be a positive integer, got {Count}.");
            if (Steps < 1) throw new ArgumentException($"--steps must be a positive integer, got {Steps}.");
            if (Coalitions is < 1) throw new ArgumentException($"--coalitions must be a positive integer, got {Coalitions}.");
            if (!Attributions.ContainsKey(Attribution))
                throw new ArgumentException($"Unknown attribution '{Attribution}'. Valid attributions: {string.Join(", ", Attributions.Keys)}.");
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (folder, config, request, splits, modalityIndices) = settings.Open();
        string outFolder = OutputPaths.CheckFilesFolderTarget(settings.Out ?? folder.File("explain"), "--out", settings.Overwrite);
        using MultimodalClassifier model = folder.LoadModel();
        using var scope = NewDisposeScope();
        int count = Math.Min(settings.Count, splits.Test.Count);
        using Batch batch = splits.Test.GetBatch(Enumerable.Range(0, count).ToArray(), Augmentation.None).Select(modalityIndices);

        AttributionMethod method = Attributions[settings.Attribution].Create(model);
        var options = new AttributionOptions { Steps = settings.Steps, InternalBatchSize = RowsPerPass, PerturbationSamples = settings.Coalitions };
        using AttributionResult result = WorkProgress.Run($"{settings.Attribution} on {count} samples", "forward rows",
            progress => method.Attribute(batch.Inputs, AttributionTarget.PredictedClass, options with { Progress = progress }));
        Tensor shares = AttributionShares.Shares(result.PerModality);
        long[] predicted;
        float[] confidence;
        using (no_grad())
        {
            model.eval();
            (Tensor probability, Tensor best) = model.Forward(batch.Inputs).Logits.softmax(1).max(1);
            (predicted, confidence) = (best.data<long>().ToArray(), probability.data<float>().ToArray());
        }

        var table = new ResultTable(new[] { "sample", "label", "predicted" }.Concat(config.Modalities.Select(m => $"share({m.Name})")).ToArray());
        long[] labels = batch.Labels.data<long>().ToArray();
        for (int i = 0; i < count; i++)
        {
            table.Rows.Add(new[] { i.ToString(CultureInfo.InvariantCulture), config.ClassNames[(int)labels[i]], config.ClassNames[(int)predicted[i]] }
                .Concat(Shares(shares[i])).ToArray());
        }
        table.Rows.Add(new[] { "mean", "", "" }.Concat(Shares(AttributionShares.BatchMean(shares))).ToArray());

        int pictures = 0;
        for (int i = 0; i < count; i++)
        {
            for (int m = 0; m < config.Modalities.Count; m++)
                pictures += AttributionImages.Write(config.Modalities[m], batch.Inputs[m][i], result.PerModality[m][i], outFolder, $"sample{i}").Count;
            double[] sampleShares = shares[i].to_type(ScalarType.Float64).data<double>().ToArray();
            SampleFigure.Write(Path.Combine(outFolder, $"sample{i}.png"), $"sample {i}: label {config.ClassNames[(int)labels[i]]}, predicted {config.ClassNames[(int)predicted[i]]} ({100 * confidence[i]:F0} %)",
                config.Modalities, batch.Inputs.Select(x => x[i]).ToArray(), result.PerModality.Select(a => a[i]).ToArray(), sampleShares);
            pictures++;
        }
        AnsiConsole.MarkupLine($"{Markup.Escape(settings.Attribution)} attribution shares (L1) of the predicted class on {count} test samples of {Markup.Escape(request.Name)}:");
        ResultConsole.Write(table);
        AnsiConsole.MarkupLine($"Wrote {pictures} pictures to {Markup.Escape(outFolder)}");
        return 0;
    }

    private static IEnumerable<string> Shares(Tensor perModality) =>
        perModality.to_type(ScalarType.Float64).data<double>().ToArray().Select(s => s.ToString("F3", CultureInfo.InvariantCulture));
}
