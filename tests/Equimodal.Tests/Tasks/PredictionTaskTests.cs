using Equimodal.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Tasks;

public class PredictionTaskTests
{
    private static readonly float Log3 = (float)Math.Log(3);

    private static Tensor Matrix(float[,] values) => tensor(values);

    private static double Value(Tensor t) => t.to_type(ScalarType.Float64).item<double>();

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void Classification_is_cross_entropy_of_the_true_class_and_attributes_its_logit()
    {
        var task = new ClassificationTask(new[] { "a", "b" });
        using Tensor outputs = Matrix(new float[,] { { 0, Log3 }, { 1, 1 } });
        using Tensor labels = tensor(new long[] { 1, 0 });

        // Sample 1: p(b) = 3/4, -log 3/4; sample 2: p(a) = 1/2, log 2.
        Assert.Equal((-Math.Log(0.75) + Math.Log(2)) / 2, Value(task.Loss(outputs, labels)), 6);
        Assert.Equal(new[] { (double)Log3, 1.0 }, Values(task.AttributedValue(outputs, labels)));
        Assert.Equal(new[] { (double)Log3, 1.0 }, Values(task.PredictedValue(outputs)));
        Assert.Equal(2, task.Correct(outputs, labels));
        double[] probabilities = Values(task.Readout(outputs));
        Assert.Equal(0.25, probabilities[0], 6);
        Assert.Equal(0.75, probabilities[1], 6);
        Assert.Equal(new TaskMetric("accuracy", true), task.MainMetric);
    }

    [Fact]
    public void Multi_label_is_binary_cross_entropy_per_label_and_attributes_the_positive_labels_logits()
    {
        var task = new MultiLabelTask(new[] { "dog", "rain", "car" });
        using Tensor outputs = Matrix(new float[,] { { 2, -1, 0 }, { -3, 4, 1 } });
        using Tensor labels = Matrix(new float[,] { { 1, 0, 1 }, { 0, 0, 0 } });

        // -[y log s(z) + (1 - y) log(1 - s(z))] = log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0; mean over the 6 pairs.
        double expected = (Softplus(-2) + Softplus(-1) + Softplus(0) + Softplus(-3) + Softplus(4) + Softplus(1)) / 6;
        Assert.Equal(expected, Value(task.Loss(outputs, labels)), 6);
        // Positive labels of sample 1: dog (2) and car (0); sample 2 has none.
        Assert.Equal(new[] { 2.0, 0.0 }, Values(task.AttributedValue(outputs, labels)));
        // Predicted present (positive logit): dog for sample 1; rain and car for sample 2.
        Assert.Equal(new[] { 2.0, 5.0 }, Values(task.PredictedValue(outputs)));
        // Sample 1 predicts {dog}, not {dog, car}; sample 2 predicts {rain, car}, not {}.
        Assert.Equal(0, task.Correct(outputs, labels));
        Assert.Equal(1, task.Correct(outputs, Matrix(new float[,] { { 1, 0, 0 }, { 0, 0, 0 } })));
        Assert.Equal(1 / (1 + Math.Exp(-2)), Values(task.Readout(outputs))[0], 6);
        Assert.Equal(new TaskMetric("mAP", true), task.MainMetric);
    }

    [Fact]
    public void Regression_is_mse_or_huber_and_attributes_the_predicted_value()
    {
        var mse = new RegressionTask(new[] { "valence", "arousal" });
        using Tensor outputs = Matrix(new float[,] { { 1, 0.5f }, { -2, 3 } });
        using Tensor targets = Matrix(new float[,] { { 0, 0.5f }, { 1, 2.5f } });

        // Errors 1, 0, -3, 0.5: MSE = (1 + 0 + 9 + 0.25) / 4.
        Assert.Equal(10.25 / 4, Value(mse.Loss(outputs, targets)), 6);
        // Huber with delta 1: 0.5 e^2 below 1, 1 * (|e| - 0.5) above: 0.5, 0, 2.5, 0.125.
        var huber = new RegressionTask(new[] { "valence", "arousal" }, RegressionLoss.Huber, 1.0);
        Assert.Equal((0.5 + 0 + 2.5 + 0.125) / 4, Value(huber.Loss(outputs, targets)), 6);
        // Delta 2: 0.5, 0, 2 * (3 - 1) = 4, 0.125.
        var wide = new RegressionTask(new[] { "valence", "arousal" }, RegressionLoss.Huber, 2.0);
        Assert.Equal((0.5 + 0 + 4 + 0.125) / 4, Value(wide.Loss(outputs, targets)), 6);
        Assert.Equal(new[] { 1.5, 1.0 }, Values(mse.AttributedValue(outputs, targets)));
        Assert.Equal(new[] { 1.5, 1.0 }, Values(mse.PredictedValue(outputs)));
        Assert.Equal(new[] { 1.0, 0.5, -2, 3 }, Values(mse.Readout(outputs)));
        Assert.False(mse.HasTrainingAccuracy);
        Assert.Equal(new TaskMetric("CCC", true), mse.MainMetric);
    }

    [Fact]
    public void Huber_agrees_with_torch_huber_loss()
    {
        var task = new RegressionTask(new[] { "y" }, RegressionLoss.Huber, 0.7);
        using Tensor outputs = Matrix(new float[,] { { 0.1f }, { 2 }, { -1.3f }, { 0.65f } });
        using Tensor targets = Matrix(new float[,] { { 0 }, { 0.2f }, { 0.4f }, { 0 } });
        Assert.Equal(Value(nn.functional.huber_loss(outputs, targets, delta: 0.7)), Value(task.Loss(outputs, targets)), 6);
    }

    [Fact]
    public void Task_names_parse_and_an_unknown_one_lists_the_valid_ones()
    {
        Assert.Equal(TaskKind.MultiLabel, PredictionTask.Parse("multilabel"));
        Assert.Equal(TaskKind.Regression, PredictionTask.Parse(" Regression "));
        var error = Assert.Throws<ArgumentException>(() => PredictionTask.Parse("ranking"));
        Assert.Equal("Unknown task 'ranking'. Valid tasks: classification, multilabel, regression.", error.Message);
        Assert.IsType<RegressionTask>(PredictionTask.Create(TaskKind.Regression, new[] { "y" }, new TaskOptions { RegressionLoss = RegressionLoss.Huber, HuberDelta = 2 }));
        Assert.Equal(RegressionLoss.Huber, ((RegressionTask)PredictionTask.Create(TaskKind.Regression, new[] { "y" }, new TaskOptions { RegressionLoss = RegressionLoss.Huber })).LossKind);
    }

    private static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
}
