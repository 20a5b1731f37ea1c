using Equimodal.Data;
using Equimodal.Models;
using Equimodal.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Tests.Methods;

/// <summary>A tiny audio-visual model set up for one method, with one batch, to drive a method's hooks by hand.</summary>
public sealed class MethodTestBench : IDisposable
{
    /// <summary>
    /// Builds the model (seeded) and sets up <paramref name="method"/> as the trainer would, for <paramref name="epochs"/>
    /// epochs; the method's warnings go to <paramref name="warn"/>.
    /// </summary>
    public MethodTestBench(TrainingMethod method, int epochs = 4, int seed = 3, int batchSize = 32, Action<string>? warn = null)
    {
        torch.manual_seed(seed);
        DatasetSplits splits = TestData.Small;
        ModelOptions modelOptions = method.ConfigureModel(TestData.TinyModel);
        RunPlan.CheckRequirements(method, splits.Modalities.Select(m => m.Name).ToArray(), modelOptions.Fusion);
        Model = ModelFactory.Create(splits.Modalities, splits.ClassNames.Count, modelOptions);
        Model.train();
        Optimizer = optim.AdamW(Model.parameters());
        var options = TestData.ShortTraining with { Epochs = epochs };
        method.Setup(new MethodContext(Model, Optimizer, splits, options, CPU, TestData.TinyModel) { Warn = warn ?? (_ => { }) });
        Method = method;
        Batch = splits.Train.GetBatch(Enumerable.Range(0, batchSize).ToArray(), Augmentation.None);
    }

    /// <summary>The model.</summary>
    public MultimodalClassifier Model { get; }

    /// <summary>Its optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>The method under test.</summary>
    public TrainingMethod Method { get; }

    /// <summary>One training batch.</summary>
    public Batch Batch { get; }

    /// <summary>zero_grad, ComputeLoss and Backward at <paramref name="epoch"/>; returns the step and its output.</summary>
    public (StepInfo Step, StepOutput Output) ForwardBackward(int epoch)
    {
        var step = new StepInfo(epoch, 0, 0, 1);
        Optimizer.zero_grad();
        StepOutput output = Method.ComputeLoss(Batch, step);
        Method.Backward(output, step);
        return (step, output);
    }

    /// <summary>Copies of every parameter's gradient, by name.</summary>
    public Dictionary<string, Tensor> Gradients() =>
        Model.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());

    /// <inheritdoc />
    public void Dispose()
    {
        Batch.Dispose();
        Model.Dispose();
    }
}
