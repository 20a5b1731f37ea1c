using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Training;

namespace Equimodal.Tests.Training;

public class RunPlanTests
{
    [Fact]
    public void The_plan_holds_the_modalities_and_the_architecture_the_method_trains()
    {
        IReadOnlyList<ModalitySpec> modalities = TestData.Small.Modalities;
        RunPlan visual = RunPlan.Of(MethodRegistry.Create("visual-only"), modalities, TestData.TinyModel);
        Assert.Equal(new[] { 1 }, visual.ModalityIndices);
        Assert.Equal("visual", Assert.Single(visual.Modalities).Name);
        Assert.Equal(TestData.TinyModel, visual.Model);
        Assert.Equal("shared", RunPlan.Of(MethodRegistry.Create("mla"), modalities, TestData.TinyModel).Model.Fusion);
    }

    [Fact]
    public void A_missing_modality_names_who_needed_it_and_what_there_is()
    {
        var error = Assert.Throws<ArgumentException>(() => ModalityBinding.Indices(TestData.Small.Modalities, new[] { "visual", "depth" }, "The model of runs/x"));
        Assert.Equal("The model of runs/x needs modality 'depth', which is not among audio, visual.", error.Message);
        Assert.Equal(new[] { 1, 0 }, ModalityBinding.Indices(TestData.Small.Modalities, new[] { "visual", "audio" }, "test"));
    }
}
