using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Methods.AttributionRegularization;
using Equimodal.Models;
using Equimodal.Tests.Data;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods.AttributionRegularization;

/// <summary>
/// The attr-reg options that change where the penalty acts or what the model fuses: attributions at the encoders' last
/// block, normalised embeddings, and UMT's teachers; hand-computed values, finite-difference gradient checks, reloading.
/// </summary>
public class AttributionRegularizationModelVariantsTests(TrainedTeachers trained) : IClassFixture<TrainedTeachers>
{
    private static AttributionRegularizationMethod Create(params string[] options) =>
        (AttributionRegularizationMethod)MethodRegistry.Create("attr-reg", MethodSettings.Parse(AttributionRegularizationTests.PenaltyOnly(options)));

    [Fact]
    public void Encoders_split_into_last_block_features_and_pooling_without_changing_the_embedding()
    {
        using var bench = new MethodTestBench(Create(), epochs: 1, batchSize: 6);
        MultimodalClassifier model = bench.Model;
        model.eval();
        using var noGrad = no_grad();
        Tensor[] features = model.EncodeFeatures(bench.Batch.Inputs);
        // Spectrogram [batch, channels, F', T'] and clip [batch, frames, channels, H', W'] before pooling.
        Assert.Equal(4, features[0].dim());
        Assert.Equal(5, features[1].dim());
        Assert.Equal(bench.Batch.Inputs[1].shape[1], features[1].shape[1]);
        Tensor[] embeddings = model.Encode(bench.Batch.Inputs);
        // Bit-identical to the encoders' forward, and the pooling is the mean over positions (and frames).
        for (int m = 0; m < 2; m++) Assert.True(embeddings[m].eq(model.Encoder(m).forward(bench.Batch.Inputs[m])).all().item<bool>());
        Assert.True(embeddings[0].allclose(features[0].mean(new long[] { 2, 3 }), rtol: 1e-5, atol: 1e-6));
        Assert.True(embeddings[1].allclose(features[1].mean(new long[] { 1, 3, 4 }), rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>
    /// At the last block of a ResNet followed by mean pooling and the linear concat head, the top logit's gradient with
    /// respect to a feature F[c, h, w] is W[c*, c] / (H W) (divided by the frames too for clips), so the attribution is
    /// F W[c*, c] / (H W); it sums over positions to the fusion-input attribution e_c W[c*, c].
    /// </summary>
    [Fact]
    public void Last_block_shares_are_the_hand_computed_pooled_gradient_times_features()
    {
        AttributionRegularizationMethod method = Create("attribution-layer=last-block");
        using var bench = new MethodTestBench(method, epochs: 1, batchSize: 6);
        Assert.Equal(AttributionLayer.LastBlock, method.Layer);
        MultimodalClassifier model = bench.Model;
        model.eval();
        Tensor[] features;
        using (no_grad()) features = model.EncodeFeatures(bench.Batch.Inputs);
        Tensor shares = method.Shares(features, bench.Batch.Labels).detach();
        // The attribution engine's layer choice gives the same attributions, and they sum to the fusion-input ones.
        var gxi = new GradientTimesInput(model);
        using AttributionResult atBlock = gxi.Attribute(bench.Batch.Inputs, AttributionTarget.MaxLogit, new AttributionOptions { Layer = AttributionLayer.LastBlock });
        using AttributionResult atFusion = gxi.Attribute(bench.Batch.Inputs, AttributionTarget.MaxLogit, new AttributionOptions { Layer = AttributionLayer.Embedding });

        using var noGrad = no_grad();
        Tensor weight = ((ConcatFusion)model.Fusion).Classifier.weight!;
        Tensor top = model.FuseFeatures(features).argmax(1);
        long audioWidth = model.Encoder(0).EmbeddingSize;
        Tensor rows = weight.index_select(0, top);
        Tensor audioWeights = rows.narrow(1, 0, audioWidth), visualWeights = rows.narrow(1, audioWidth, rows.shape[1] - audioWidth);
        Tensor audio = features[0] * audioWeights.unsqueeze(2).unsqueeze(3) / (features[0].shape[2] * features[0].shape[3]);
        Tensor visual = features[1] * visualWeights.unsqueeze(1).unsqueeze(3).unsqueeze(4) / (features[1].shape[1] * features[1].shape[3] * features[1].shape[4]);
        Tensor normA = audio.flatten(1).square().sum(1).sqrt(), normV = visual.flatten(1).square().sum(1).sqrt();
        Assert.True(shares.select(1, 0).allclose(normA / (normA + normV), rtol: 1e-4, atol: 1e-6));

        // The attribution engine's layer choice gives the same attributions, and they sum to the fusion-input ones.
        Assert.True(atBlock.PerModality[0].allclose(audio, rtol: 1e-4, atol: 1e-7));
        Assert.True(atBlock.PerModality[0].sum(new long[] { 2, 3 }).allclose(atFusion.PerModality[0], rtol: 1e-4, atol: 1e-6));
        Assert.True(atBlock.PerModality[1].sum(new long[] { 1, 3, 4 }).allclose(atFusion.PerModality[1], rtol: 1e-4, atol: 1e-6));
    }

    /// <summary>
    /// Central finite differences against autograd for the penalty of the layer and normalize options, in float64 on the
    /// small audio-visual ResNet model: on a fusion weight and on the audio encoder's last convolution (the penalty
    /// reaches the encoder's weights, not only its output scale).
    /// </summary>
    [Theory]
    [InlineData("attribution-layer=last-block")]
    [InlineData("embedding-norm=l2")]
    [InlineData("embedding-norm=layernorm")]
    [InlineData("attribution-layer=last-block", "embedding-norm=l2")]
    public void The_penalty_gradient_matches_finite_differences(params string[] options)
    {
        AttributionRegularizationMethod method = Create(options);
        // A float64 model (built so: converting a built model's dtype is not supported for it), for exact differences.
        ScalarType defaultType = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        MethodTestBench bench;
        try
        {
            bench = new MethodTestBench(method, epochs: 1, batchSize: 6);
        }
        finally
        {
            set_default_dtype(defaultType);
        }
        using var disposeBench = bench;
        MultimodalClassifier model = bench.Model;
        model.eval();
        Tensor[] inputs = bench.Batch.Inputs.Select(x => x.to_type(ScalarType.Float64)).ToArray();
        Tensor Penalty()
        {
            Tensor[] activations = method.Layer == AttributionLayer.LastBlock ? model.EncodeFeatures(inputs) : model.Encode(inputs);
            return new SharePenalty("l2", false).Of(method.Shares(activations, bench.Batch.Labels), method.Targets);
        }
        Tensor fusionWeight = ((ConcatFusion)model.Fusion).Classifier.weight!;
        Tensor convolution = model.Encoder(0).named_parameters().Last(p => p.name.EndsWith("conv2.weight", StringComparison.Ordinal)).parameter;
        Tensor[] gradients = torch.autograd.grad(new[] { Penalty() }, new[] { fusionWeight, convolution }).ToArray();
        Assert.True(gradients[1].abs().max().item<double>() > 1e-8, "the penalty must reach the encoder's weights");
        const double h = 1e-6;
        foreach (var (parameter, gradient) in new[] { (fusionWeight, gradients[0]), (convolution, gradients[1]) })
        {
            Tensor flat = parameter.detach().view(-1), flatGradient = gradient.reshape(-1);
            foreach (long k in new long[] { 0, 7, 19, flat.shape[0] - 1 })
            {
                double original = flat[k].item<double>();
                using (no_grad()) flat[k] = original + h;
                double plus = Penalty().item<double>();
                using (no_grad()) flat[k] = original - h;
                double minus = Penalty().item<double>();
                using (no_grad()) flat[k] = original;
                double expected = flatGradient[k].item<double>(), difference = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(difference - expected) <= 1e-6 + 1e-4 * Math.Abs(expected), $"{string.Join(" ", options)} [{k}]: finite difference {difference}, autograd {expected}");
            }
        }
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("layernorm")]
    public void Normalised_embeddings_are_computed_by_hand_and_cannot_be_rescaled(string normalize)
    {
        AttributionRegularizationMethod method = Create($"embedding-norm={normalize}");
        Assert.Equal(normalize, method.ConfigureModel(new ModelOptions()).EmbeddingNorm);
        Assert.Equal("none", Create().ConfigureModel(new ModelOptions()).EmbeddingNorm);
        Assert.Equal("none", MethodRegistry.Create("attr-reg-published").ConfigureModel(new ModelOptions()).EmbeddingNorm);

        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var options = new ModelOptions { EmbeddingNorm = normalize };
        var modalities = new[] { new ModalitySpec("a", ModalityKind.Vector, new long[] { 3 }), new ModalitySpec("b", ModalityKind.Vector, new long[] { 3 }) };
        using MultimodalClassifier model = ModelFactory.Create(modalities, 4, options with { MlpHidden = 5 });
        Tensor[] inputs = { randn(6, 3), randn(6, 3) };
        double[][] raw = AttributionRegularizationTests.Rows(model.Encoder(0).forward(inputs[0]));
        double[][] normalised = AttributionRegularizationTests.Rows(model.Encode(inputs)[0]);
        for (int i = 0; i < raw.Length; i++)
        {
            double mean = raw[i].Average(), norm = Math.Sqrt(raw[i].Sum(v => v * v));
            double deviation = Math.Sqrt(raw[i].Average(v => (v - mean) * (v - mean)) + 1e-5);
            for (int j = 0; j < raw[i].Length; j++)
                Assert.Equal(normalize == "l2" ? raw[i][j] / norm : (raw[i][j] - mean) / deviation, normalised[i][j], 4);
        }
        // A missing modality stays the zero embedding.
        Assert.Equal(0.0, model.Encode(new Tensor?[] { null, inputs[1] })[0].abs().sum().item<float>());

        // Scaling the audio encoder's last layer (ReLU is positively homogeneous: the embedding scales by 3) changes no logit.
        Tensor before = model.Fuse(model.Encode(inputs)).detach().clone();
        using (no_grad())
        {
            foreach (var (name, parameter) in model.Encoder(0).named_parameters().Where(p => p.name.StartsWith("layers.2.", StringComparison.Ordinal))) parameter.mul_(3);
        }
        // (LayerNorm's epsilon 1e-5 in the variance makes it invariant only up to that epsilon.)
        double tolerance = normalize == "l2" ? 1e-4 : 1e-2;
        Assert.True(model.Fuse(model.Encode(inputs)).allclose(before, rtol: tolerance, atol: tolerance / 10));
    }

    [Fact]
    public void A_run_with_normalised_embeddings_reloads_with_them_and_predicts_identically()
    {
        var config = new RunConfig
        {
            Method = "attr-reg",
            MethodOptions = new Dictionary<string, string> { ["embedding-norm"] = "l2" },
            Training = new TrainingOptions { Epochs = 1, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 4 },
        };
        DatasetSplits splits = VectorData.Create(120);
        string run = TestData.TempFolder();
        TrainingResult result = Experiment.Run(config, splits, run);
        using MultimodalClassifier reloaded = new RunFolder(run).LoadModel();
        Assert.Equal("l2", reloaded.EmbeddingNorm);
        EvaluationResult again = Evaluator.Evaluate(reloaded, splits.Test, 16, CPU);
        Assert.Equal(result.Test.Accuracy, again.Accuracy);
        Assert.Equal(result.Test.Loss, again.Loss, 12);

        // Its logits are those of the same weights fusing L2-normalised embeddings, which differ from the raw ones.
        RunConfig saved = new RunFolder(run).ReadConfig();
        using MultimodalClassifier raw = ModelFactory.Create(saved.Modalities, saved.ClassNames.Count, saved.Model with { EmbeddingNorm = "none" });
        raw.load(Path.Combine(run, RunFolder.ModelFile));
        reloaded.eval();
        raw.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Batch batch = splits.Test.GetBatch(Enumerable.Range(0, 10).ToArray(), Augmentation.None);
        Tensor[] embeddings = raw.Encode(batch.Inputs);
        Tensor byHand = raw.Fuse(embeddings.Select(e => e / e.norm(1, keepdim: true)).ToArray());
        Assert.True(reloaded.Fuse(reloaded.Encode(batch.Inputs)).allclose(byHand, rtol: 1e-5, atol: 1e-6));
        Assert.False(raw.Fuse(embeddings).allclose(byHand, rtol: 1e-3, atol: 1e-4));
        batch.Dispose();
    }

    private AttributionRegularizationMethod WithTeachers(MethodTestBench bench)
    {
        var method = (AttributionRegularizationMethod)bench.Method;
        // The teachers the fixture trained for umt, under attr-reg's state prefix.
        method.LoadState(trained.State.ToDictionary(kv => kv.Key.Replace("umt.", "attr-reg.teachers.", StringComparison.Ordinal), kv => kv.Value));
        return method;
    }

    [Fact]
    public void With_lambda_0_and_teachers_1_the_loss_equals_umts_on_the_same_batch()
    {
        using var umtBench = new MethodTestBench(MethodRegistry.Create("umt", MethodSettings.Parse(new[] { "distill=1", "teacher-epochs=1" })), epochs: 2);
        var umt = (UniModalTeacherMethod)umtBench.Method;
        umt.LoadState(trained.State);
        using var bench = new MethodTestBench(Create("lambda=0", "teacher-weight=1", "teacher-epochs=1"), epochs: 2);
        AttributionRegularizationMethod method = WithTeachers(bench);
        Assert.Equal(2, method.Teachers.Count);
        var step = new StepInfo(0, 0, 0, 1);
        float expected = umt.ComputeLoss(umtBench.Batch, step).Loss.item<float>();
        Assert.Equal(expected, method.ComputeLoss(bench.Batch, step).Loss.item<float>());
    }

    [Fact]
    public void Teachers_add_their_weight_times_umts_distillation_loss_to_the_penalised_loss()
    {
        var step = new StepInfo(0, 0, 0, 1);
        using var plain = new MethodTestBench(Create("lambda=2"), epochs: 2);
        double withoutTeachers = plain.Method.ComputeLoss(plain.Batch, step).Loss.item<float>();
        using var bench = new MethodTestBench(Create("lambda=2", "teacher-weight=0.5", "teacher-epochs=1"), epochs: 2);
        AttributionRegularizationMethod method = WithTeachers(bench);
        double distillation;
        using (no_grad())
        {
            Tensor[] student = bench.Model.Encode(bench.Batch.Inputs);
            Tensor[] teacher = method.Teachers.Select((t, m) => t.Encode(new[] { bench.Batch.Inputs[m] })[0]).ToArray();
            distillation = UnimodalTeachers.DistillationLoss(student, teacher).item<float>();
        }
        Assert.True(distillation > 0);
        Assert.Equal(withoutTeachers + 0.5 * distillation, method.ComputeLoss(bench.Batch, step).Loss.item<float>(), 4);

        // The teachers are saved with the method's state (a resumed run does not train them again) and rule out MPI.
        var state = new Dictionary<string, Tensor>();
        method.SaveState(state);
        Assert.Equal(trained.State.Keys.Count(k => k.StartsWith("umt.", StringComparison.Ordinal)), state.Keys.Count(k => k.StartsWith("attr-reg.teachers.", StringComparison.Ordinal)));
        Assert.False(method.DataParallel.Exact);
        Assert.Contains("teachers", method.DataParallel.Reason);
        Assert.True(Create("teacher-weight=0").DataParallel.Exact);
        Assert.Contains("needs teacher-weight", Assert.Throws<ArgumentException>(() => Create("teacher-epochs=3")).Message);
    }
}
