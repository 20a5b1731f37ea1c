using Equimodal.Attribution;
using Equimodal.Data;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Tasks;
using Equimodal.Tests.Data;
using Equimodal.Training;

namespace Equimodal.Tests.Training;

/// <summary>Every method that declares the multi-label or regression task trains it, selecting the epoch by the task's main metric.</summary>
public class TaskTrainingTests
{
    private static readonly ModelOptions VectorModel = new() { Width = 8, Depth = 1 };

    public static TheoryData<string, TaskKind> DeclaredMethods()
    {
        var data = new TheoryData<string, TaskKind>();
        foreach (TaskKind task in new[] { TaskKind.MultiLabel, TaskKind.Regression })
        {
            foreach (MethodAttribute method in MethodRegistry.Methods.Where(m => m.Tasks.Contains(task))) data.Add(method.Name, task);
            data.Add("a-only", task);
        }
        return data;
    }

    /// <summary>
    /// The resume theory for the other tasks: every method that declares one, paused after its first epoch and resumed,
    /// ends as an uninterrupted run (the task's loss, its epoch selection and the multi-label threshold are all recovered
    /// from the run folder).
    /// </summary>
    [Theory]
    [MemberData(nameof(DeclaredMethods))]
    public void A_declared_method_paused_after_an_epoch_resumes_to_the_uninterrupted_result(string name, TaskKind task)
    {
        var config = new Equimodal.Experiments.RunConfig
        {
            Method = name,
            Model = VectorModel,
            Training = TestData.ShortTraining with { Epochs = 2, BatchSize = 16 },
            TensorBoard = false,
        };
        DatasetSplits splits = TaskVectorData.Create(task, 64);
        TrainingResult whole = Experiment.Run(config, splits, TestData.TempFolder());
        string paused = TestData.TempFolder();
        Experiment.TrainUntil(config, splits, paused, 1);
        TrainingResult resumed = Experiment.Resume(paused, splits);
        Assert.Equal(whole.Test.Loss, resumed.Test.Loss);
        Assert.Equal(whole.Test.Accuracy, resumed.Test.Accuracy);
        Assert.Equal(whole.Test.TaskMetrics, resumed.Test.TaskMetrics);
    }

    [Theory]
    [MemberData(nameof(DeclaredMethods))]
    public void A_declared_method_trains_the_task_and_keeps_the_first_epoch_with_the_best_validation_main_metric(string name, TaskKind task)
    {
        DatasetSplits splits = TaskVectorData.Create(task, 64);
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 3, BatchSize = 16 }, VectorModel);
        TrainingResult result = trainer.Fit(MethodRegistry.Create(name), splits);

        string metric = task == TaskKind.Regression ? "CCC" : "mAP";
        Assert.Equal(metric, result.Test.MainMetric);
        Assert.All(result.History, record => Assert.True(double.IsFinite(record.TrainLoss), $"epoch {record.Epoch} loss {record.TrainLoss}"));
        double best = result.History.Max(r => r.Validation.Accuracy);
        Assert.Equal(result.History.First(r => r.Validation.Accuracy == best).Epoch, result.BestEpoch);
        Assert.Equal(best, result.Validation.Accuracy);
        Assert.Equal(result.Test.TaskMetrics[metric], result.Test.Accuracy);
        Assert.Equal(task == TaskKind.Regression, double.IsNaN(result.History[0].TrainAccuracy));
    }

    /// <summary>Trains joint for two epochs on <paramref name="task"/>'s vector data; returns the splits, the test result and the test split's Shapley values.</summary>
    private static (DatasetSplits Splits, TrainingResult Result, DatasetShapley Shapley) TrainJoint(TaskKind task)
    {
        DatasetSplits splits = TaskVectorData.Create(task, 64);
        var trainer = new Trainer(TestData.ShortTraining with { Epochs = 2, BatchSize = 16 }, VectorModel);
        TrainingResult result = trainer.Fit(MethodRegistry.Create("joint"), splits);
        return (splits, result, MainMetricShapley.Compute(trainer.Model!, splits.Test, 16));
    }

    [Fact]
    public void Shapley_values_of_a_regression_are_over_ccc_and_the_empty_coalition_scores_zero()
    {
        var (_, result, shapley) = TrainJoint(TaskKind.Regression);
        // Every modality absent: the same output for every sample, a constant prediction, whose CCC is 0.
        Assert.Equal(0, shapley.Empty, 12);
        Assert.Equal(result.Test.Accuracy, shapley.Full, 6);
        Assert.Equal(shapley.Full - shapley.Empty, shapley.Values.Sum(), 9);
    }

    [Fact]
    public void Shapley_values_of_a_multi_label_task_are_over_map_and_the_empty_coalition_scores_the_label_prevalences()
    {
        var (splits, result, shapley) = TrainJoint(TaskKind.MultiLabel);
        // A constant score ranks every sample alike: each label's average precision is its prevalence.
        using Batch all = splits.Test.GetBatch(Enumerable.Range(0, splits.Test.Count).ToArray(), Augmentation.None);
        double[] prevalence = Enumerable.Range(0, 3).Select(k => all.Labels[.., k].mean().item<float>()).Select(p => (double)p).ToArray();
        Assert.Equal(prevalence.Where(p => p > 0).Average(), shapley.Empty, 6);
        Assert.Equal(result.Test.Accuracy, shapley.Full, 6);
    }
}
