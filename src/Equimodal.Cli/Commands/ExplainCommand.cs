using System.ComponentModel;
using System.Globalization;
using Equimodal.Attribution;
using Equimodal.Cli.Display;
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

    /// <summary>Valid attribution methods: gradient-based, then perturbation-based.</summary>
    public static readonly IReadOnlyList<string> Methods = new[] { "ig", "gxi", "saliency", "occlusion", "ablation", "kernelshap", "lime" };

    /// <summary>Flags of `explain`.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Run folder.</summary>
        [CommandOption("--run <DIR>")]
        [Description("Run folder written by 'equimodal train'.")]
        public string Run { get; init; } = "";

        /// <summary>Number of test samples.</summary>
        [CommandOption("--samples <N>")]
        [Description("Number of test samples to explain (the first N).")]
        [DefaultValue(4)]
        public int Samples { get; init; } = 4;

        /// <summary>Attribution method.</summary>
        [CommandOption("--method <NAME>")]
        [Description("ig (Integrated Gradients), gxi (Gradient x Input), saliency; or, without gradients, occlusion, ablation (feature ablation), kernelshap or lime over a time x mel grid of the spectrogram and patches of each frame.")]
        [DefaultValue("ig")]
        public string Method { get; init; } = "ig";

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

        /// <summary>Data folder override.</summary>
        [CommandOption("--data <PATH>")]
        [Description("Read the dataset from this folder instead of the one in config.json.")]
        public string? Data { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Run)) return ValidationResult.Error("--run DIR is required.");
            if (Samples < 1) return ValidationResult.Error($"--samples must be a positive integer, got {Samples}.");
            if (Steps < 1) return ValidationResult.Error($"--steps must be a positive integer, got {Steps}.");
            if (Coalitions is < 1) return ValidationResult.Error($"--coalitions must be a positive integer, got {Coalitions}.");
            if (!Methods.Contains(Method)) return ValidationResult.Error($"Unknown method '{Method}'. Valid methods: {string.Join(", ", Methods)}.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (folder, config, request, splits, modalityIndices) = SavedRun.Open(settings.Run, settings.Data);
        using MultimodalClassifier model = folder.LoadModel();
        using var scope = NewDisposeScope();
        int count = Math.Min(settings.Samples, splits.Test.Count);
        using Batch batch = splits.Test.GetBatch(Enumerable.Range(0, count).ToArray(), Augmentation.None).Select(modalityIndices);

        AttributionMethod method = settings.Method switch
        {
            "gxi" => new GradientTimesInput(model),
            "saliency" => new Saliency(model),
            "occlusion" => new Occlusion(model),
            "ablation" => new FeatureAblation(model),
            "kernelshap" => new KernelShap(model),
            "lime" => new Lime(model),
            _ => new IntegratedGradients(model),
        };
        var options = new AttributionOptions { Steps = settings.Steps, InternalBatchSize = RowsPerPass, PerturbationSamples = settings.Coalitions };
        using AttributionResult result = WorkProgress.Run($"{settings.Method} on {count} samples", "forward rows",
            progress => method.Attribute(batch.Inputs, AttributionTarget.PredictedClass, options with { Progress = progress }));
        Tensor shares = AttributionShares.Shares(result.PerModality);
        long[] predicted;
        using (no_grad())
        {
            model.eval();
            predicted = model.Forward(batch.Inputs).Logits.argmax(1).data<long>().ToArray();
        }

        var table = new ResultTable(new[] { "sample", "label", "predicted" }.Concat(config.Modalities.Select(m => $"share({m.Name})")).ToArray());
        long[] labels = batch.Labels.data<long>().ToArray();
        for (int i = 0; i < count; i++)
        {
            table.Rows.Add(new[] { i.ToString(CultureInfo.InvariantCulture), config.ClassNames[(int)labels[i]], config.ClassNames[(int)predicted[i]] }
                .Concat(Shares(shares[i])).ToArray());
        }
        table.Rows.Add(new[] { "mean", "", "" }.Concat(Shares(AttributionShares.BatchMean(shares))).ToArray());

        string outFolder = settings.Out ?? folder.File("explain");
        int pictures = 0;
        for (int i = 0; i < count; i++)
        {
            for (int m = 0; m < config.Modalities.Count; m++)
                pictures += AttributionImages.Write(config.Modalities[m], batch.Inputs[m][i], result.PerModality[m][i], outFolder, $"sample{i}").Count;
        }
        AnsiConsole.MarkupLine($"{Markup.Escape(settings.Method)} attribution shares (L1) of the predicted class on {count} test samples of {Markup.Escape(request.Name)}:");
        ResultConsole.Write(table);
        AnsiConsole.MarkupLine($"Wrote {pictures} pictures to {Markup.Escape(outFolder)}");
        return 0;
    }

    private static IEnumerable<string> Shares(Tensor perModality) =>
        perModality.to_type(ScalarType.Float64).data<double>().ToArray().Select(s => s.ToString("F3", CultureInfo.InvariantCulture));
}
