using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Tasks;
using Equimodal.Training;

namespace Equimodal.Tests.Training;

public class RunPlanTests
{
    [Fact]
    public void The_plan_holds_the_modalities_and_the_architecture_the_method_trains()
    {
        IReadOnlyList<ModalitySpec> modalities = TestData.Small.Modalities;
        RunPlan visual = RunPlan.Of(MethodRegistry.Create("visual-only"), modalities, TestData.TinyModel, TaskKind.Classification);
        Assert.Equal(new[] { 1 }, visual.ModalityIndices);
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
        Assert.Equal(new[] { 0, 1 }, RunPlan.Of(MethodRegistry.Create("joint"), modalities, TestData.TinyModel, TaskKind.MultiLabel).ModalityIndices);
    }

    [Fact]
    public void A_missing_modality_names_who_needed_it_and_what_there_is()
    {
        var error = Assert.Throws<ArgumentException>(() => ModalityBinding.Indices(TestData.Small.Modalities, new[] { "visual", "depth" }, "The model of runs/x"));
        Assert.Equal("The model of runs/x needs modality 'depth', which is not among audio, visual.", error.Message);
        Assert.Equal(new[] { 1, 0 }, ModalityBinding.Indices(TestData.Small.Modalities, new[] { "visual", "audio" }, "test"));
    }
}
