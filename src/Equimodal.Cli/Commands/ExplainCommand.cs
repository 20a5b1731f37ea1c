using System.ComponentModel;
using System.Globalization;
using Equimodal.Attribution;
using Equimodal.Cli.Display;
using Equimodal.Cli.Settings;
using Equimodal.Data;
using Equimodal.Experiments;
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

    /// <summary>Flags of `explain`.</summary>
    public sealed class Settings : SavedRunDataSettings
    {
        /// <summary>Number of test samples.</summary>
        [CommandOption("--count <N>")]
        [Description("Number of test samples to explain (the first N).")]
        [DefaultValue(4)]
        public int Count { get; init; } = 4;

        /// <summary>Attribution method.</summary>
        [CommandOption("--attribution <NAME>")]
        [Description("Attribution method (the list is in the description above): gradient methods, or perturbation methods over a time x mel grid of the spectrogram and patches of each frame.")]
        [DefaultValue("ig")]
        public string Attribution { get; init; } = "ig";

        /// <summary>IG steps.</summary>
        [CommandOption("--steps <N>")]
        [Description("ig only: evaluation points on the path (Gauss-Legendre; default 32, at most 4096).")]
        public int? Steps { get; init; }

        /// <summary>KernelSHAP / LIME coalitions per sample.</summary>
        [CommandOption("--coalitions <N>")]
        [Description("kernelshap and lime only: perturbed inputs per sample (seeded; default 2 x groups + 2048, at least groups + 1, at most 100000). KernelSHAP is exact when the groups have no more coalitions.")]
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
            AttributionEntry attribution = AttributionRegistry.Get(Attribution);
            if (Steps is { } steps) CheckSetting(attribution, AttributionSetting.Steps, "--steps", steps, AttributionRegistry.MaxSteps);
            if (Coalitions is { } coalitions) CheckSetting(attribution, AttributionSetting.Coalitions, "--coalitions", coalitions, AttributionRegistry.MaxCoalitions);
        }
    }

    // A flag the chosen method does not read is refused: silently ignoring it would report results the user did not ask for.
    private static void CheckSetting(AttributionEntry attribution, AttributionSetting setting, string flag, int value, int maximum)
    {
        if (!attribution.Settings.Contains(setting))
            throw new ArgumentException($"{flag} does not apply to --attribution {attribution.Name}; it is read by {AttributionRegistry.Accepting(setting)} only. Leave it out.");
        if (value < 1 || value > maximum) throw new ArgumentException($"{flag} must be between 1 and {maximum}, got {value}.");
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (folder, config, request, splits) = settings.Open();
        if (config.Task != Tasks.TaskKind.Classification)
            throw new ArgumentException($"explain draws each sample's predicted class; {settings.Run} is a {Tasks.PredictionTask.NameOf(config.Task)} run: its attribution shares are in evaluate and predict (docs/tasks.md).");
        string outFolder = OutputPaths.CheckFilesFolderTarget(settings.Out ?? folder.File("explain"), "--out", settings.Overwrite);
        using MultimodalClassifier model = folder.LoadModel();
        using var scope = NewDisposeScope();
        int count = Math.Min(settings.Count, splits.Test.Count);
        using Batch batch = splits.Test.GetBatch(Enumerable.Range(0, count).ToArray(), Augmentation.None);

        AttributionMethod method = AttributionRegistry.Get(settings.Attribution).Create(model);
        var options = new AttributionOptions { InternalBatchSize = RowsPerPass, PerturbationSamples = settings.Coalitions };
        if (settings.Steps is { } steps) options = options with { Steps = steps };
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
