using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tests.Data;
using Equimodal.Tasks;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Training;

public class RunPlanTests
{
    [Fact]
    public void The_plan_holds_the_modalities_and_the_architecture_the_method_trains()
    {
        IReadOnlyList<ModalitySpec> modalities = TestData.Small.Modalities;
        RunPlan visual = RunPlan.Of(MethodRegistry.Create("visual-only"), modalities, TestData.TinyModel, TaskKind.Classification);
        Assert.Equal("visual", Assert.Single(visual.Modalities).Name);
        Assert.Equal(TestData.TinyModel, visual.Model);
        Assert.Equal("shared", RunPlan.Of(MethodRegistry.Create("mla"), modalities, TestData.TinyModel, TaskKind.Classification).Model.Fusion);
    }

    [Fact]
    public void A_method_is_refused_for_a_task_it_does_not_declare_naming_the_methods_that_train_it()
    {
        IReadOnlyList<ModalitySpec> modalities = TestData.Small.Modalities;
        var error = Assert.Throws<ArgumentException>(() => RunPlan.Of(MethodRegistry.Create("ogm-ge"), modalities, TestData.TinyModel, TaskKind.Regression));
        string supporting = string.Join(", ", MethodRegistry.Methods.Where(m => m.Tasks.Contains(TaskKind.Regression)).Select(m => m.Name));
        Assert.Equal("Method 'ogm-ge' is defined for classification, not the regression task (docs/tasks.md says why). "
            + $"Methods that train regression: {supporting}, NAME-only.", error.Message);
        Assert.Contains("attr-reg", supporting);
        Assert.DoesNotContain("ogm-ge", supporting);
        Assert.Equal("audio-only", RunPlan.Of(MethodRegistry.Create("audio-only"), modalities, TestData.TinyModel, TaskKind.MultiLabel).Modalities.Single().Name + "-only");
        Assert.Equal(new[] { "audio", "visual" }, RunPlan.Of(MethodRegistry.Create("joint"), modalities, TestData.TinyModel, TaskKind.MultiLabel).Modalities.Select(m => m.Name));
    }

    [Fact]
    public void A_missing_modality_names_who_needed_it_and_what_there_is()
    {
        var error = Assert.Throws<ArgumentException>(() => ModalityBinding.Indices(TestData.Small.Modalities, new[] { "visual", "depth" }, "The model of runs/x"));
        Assert.Equal("The model of runs/x needs modality 'depth', which is not among audio, visual.", error.Message);
        Assert.Equal(new[] { 1, 0 }, ModalityBinding.Indices(TestData.Small.Modalities, new[] { "visual", "audio" }, "test"));
    }

    [Fact]
    public void A_recorded_plan_finds_the_run_modalities_by_name_in_data_that_lists_them_in_another_order()
    {
        var config = new RunConfig { Modalities = new[] { TestData.Small.Modalities[1] }, Model = TestData.TinyModel with { Fusion = "shared" } };
        RunPlan plan = config.Plan(TestData.Small.Modalities, "runs/x");
        Assert.Same(TestData.Small.Modalities[1], Assert.Single(plan.Modalities));
        Assert.Equal("shared", plan.Model.Fusion);
        Assert.Equal(new[] { "visual" }, plan.Bind(TestData.Small).Test.Modalities.Select(m => m.Name));
        var missing = Assert.Throws<ArgumentException>(() => (config with { Modalities = new[] { new ModalitySpec("depth", ModalityKind.Vector, new long[] { 1 }) } })
            .Plan(TestData.Small.Modalities, "runs/x"));
        Assert.Equal("The model of runs/x needs modality 'depth', which is not among audio, visual.", missing.Message);
        Assert.Throws<InvalidDataException>(() => new RunConfig().Plan(TestData.Small.Modalities, "runs/x"));
    }

    [Fact]
    public void A_saved_run_evaluates_the_same_on_data_whose_modalities_are_listed_in_another_order()
    {
        DatasetSplits splits = VectorData.Create(120);
        string run = TestData.TempFolder();
        var config = new RunConfig { Model = TestData.TinyModel, Training = TestData.ShortTraining with { Epochs = 1, BatchSize = 16 } };
        TrainingResult result = Experiment.Run(config, splits, run);
        DatasetSplits reordered = ModalityBinding.Bind(splits, new[] { "b", "a" }, "test");
        using MultimodalClassifier model = new RunFolder(run).LoadModel();
        DatasetSplits bound = new RunFolder(run).ReadConfig().Plan(reordered.Modalities, run).Bind(reordered);
        EvaluationResult again = Evaluator.Evaluate(model, bound.Test, 16, CPU);
        Assert.Equal(result.Test.Loss, again.Loss);
        Assert.Equal(result.Test.Accuracy, again.Accuracy);
    }

    [Fact]
    public void The_trainer_uses_the_plan_it_is_given_and_binds_the_data_to_it()
    {
        var method = new CountingMethod();
        DatasetSplits splits = VectorData.Create(60);
        RunPlan plan = RunPlan.Of(method, splits.Modalities, TestData.TinyModel, TaskKind.Classification);
        Assert.Equal((1, 1), (method.Selections, method.Configurations));
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 1, BatchSize = 16 }, TestData.TinyModel);
        TrainingResult result = trainer.Fit(method, plan, splits, checkpoints: null, resume: false);
        Assert.Equal((1, 1), (method.Selections, method.Configurations));
        Assert.Equal(new[] { "b" }, result.Modalities);
        Assert.Equal(new[] { "b" }, method.Seen!.Train.Modalities.Select(m => m.Name));
        Assert.Equal(new[] { 1L }, method.InputsPerBatch.Distinct());
        trainer.Model!.Dispose();
    }

    // Reads modality "b" alone and counts how often it is asked what it reads and builds.
    private sealed class CountingMethod : TrainingMethod
    {
        public int Selections { get; private set; }

        public int Configurations { get; private set; }

        public DatasetSplits? Seen { get; private set; }

        public List<long> InputsPerBatch { get; } = new();

        public override string Name => "counting";

        public override IReadOnlyList<int> SelectModalities(IReadOnlyList<ModalitySpec> modalities)
        {
            Selections++;
            return new[] { ModalityBinding.IndexOf(modalities.Select(m => m.Name).ToArray(), "b", Name) };
        }

        public override ModelOptions ConfigureModel(ModelOptions options)
        {
            Configurations++;
            return options;
        }

        public override void Setup(MethodContext context)
        {
            base.Setup(context);
            Seen = context.Splits;
        }

        public override StepOutput ComputeLoss(Batch batch, StepInfo step)
        {
            InputsPerBatch.Add(batch.Inputs.Count);
            return base.ComputeLoss(batch, step);
        }
    }
}
