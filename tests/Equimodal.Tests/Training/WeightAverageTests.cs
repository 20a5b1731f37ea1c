using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using static TorchSharp.torch;

namespace Equimodal.Tests.Training;

public class WeightAverageTests
{
    private static MultimodalClassifier Model() => ModelFactory.Create(TestData.Small.Train.Modalities, TestData.Small.Task.OutputSize, TestData.TinyModel);

    private static void Fill(MultimodalClassifier model, double value)
    {
        using (no_grad())
        {
            foreach (Tensor t in model.state_dict().Values)
            {
                if (t.is_floating_point()) t.fill_(value);
                else t.fill_((long)value);
            }
        }
    }

    [Fact]
    public void Each_update_moves_the_average_by_its_warmed_up_decay_and_copies_integer_buffers()
    {
        using MultimodalClassifier model = Model();
        Fill(model, 1);
        using var average = new WeightAverage(model, decay: 0.5);
        // Update 1: decay min(0.5, 2/11) = 2/11. Update 2: min(0.5, 3/12) = 0.25. Update 20: min(0.5, 21/30) = 0.5.
        Assert.Equal((2.0 / 11, 0.25, 0.5), (average.DecayAt(1), average.DecayAt(2), average.DecayAt(20)));
        Fill(model, 12);
        average.Update(model, 1);
        Fill(model, 4);
        average.Update(model, 2);
        // 1 -> 2/11 * 1 + 9/11 * 12 = 10 -> 0.25 * 10 + 0.75 * 4 = 5.5; the batch counter takes the last value, 4.
        Assert.Contains(average.State.Values, t => !t.is_floating_point());
        foreach (Tensor t in average.State.Values)
        {
            double expected = t.is_floating_point() ? 5.5 : 4;
            Assert.All(t.to_type(ScalarType.Float64).data<double>().ToArray(), v => Assert.Equal(expected, v, 5));
        }
    }

    private static bool Same(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    [Fact]
    public void A_frozen_parameter_is_copied_bit_for_bit_while_the_trained_ones_are_averaged()
    {
        using MultimodalClassifier model = Model();
        // Averaging 0.1f with itself, decay * w + (1 - decay) * w over the warming-up decays, rounds away from 0.1f.
        Fill(model, 0.1);
        var (frozenName, frozen) = model.named_parameters().First();
        frozen.requires_grad = false;
        using var average = new WeightAverage(model, decay: 0.99);
        for (long update = 1; update <= 200; update++) average.Update(model, update);
        Assert.True(Same(average.State[frozenName], frozen), "the frozen parameter's average moved away from it");
        string trainedName = model.named_parameters().Skip(1).First().name;
        Fill(model, 2);
        average.Update(model, 201);
        // Decay min(0.99, 202 / 211): the trained parameter moves part of the way from about 0.1 toward 2; the frozen one is 2.
        using Tensor averaged = average.State[trainedName].to_type(ScalarType.Float64);
        Assert.All(averaged.data<double>().ToArray(), v => Assert.InRange(v, 0.15, 0.2));
        Assert.True(Same(average.State[frozenName], frozen));
    }

    [Fact]
    public void The_average_is_measured_and_the_models_own_weights_come_back_bit_for_bit()
    {
        using MultimodalClassifier model = Model();
        using var average = new WeightAverage(model, decay: 0.9);
        Fill(model, 3);
        double measured = average.WithAverage(model, () => model.state_dict().Values.First(t => t.is_floating_point()).to_type(ScalarType.Float64).data<double>()[0]);
        Assert.NotEqual(3, measured);
        Assert.All(model.state_dict().Values, t => Assert.All(t.to_type(ScalarType.Float64).data<double>().ToArray(), v => Assert.Equal(3, v)));
        Assert.Throws<ArgumentException>(() => new WeightAverage(model, decay: 1));
    }

    [Fact]
    public void Averaging_leaves_training_alone_and_the_run_keeps_and_reports_the_average_it_validated()
    {
        var options = TestData.ShortTraining with { Epochs = 3, LearningRate = 3e-3, Seed = 4 };
        TrainingResult plain = new Trainer(options, TestData.TinyModel).Fit(MethodRegistry.Create("joint"), TestData.Small);
        TrainingResult averaged = new Trainer(options with { EmaDecay = 0.9 }, TestData.TinyModel).Fit(MethodRegistry.Create("joint"), TestData.Small);

        // The steps are the same (the same training losses); what is validated is not.
        Assert.Equal(plain.History.Select(h => h.TrainLoss), averaged.History.Select(h => h.TrainLoss));
        Assert.NotEqual(plain.History.Select(h => h.Validation.Loss), averaged.History.Select(h => h.Validation.Loss));
        // The kept weights are the average that was validated at the kept epoch: evaluated again, they give its numbers.
        EpochRecord kept = averaged.History[averaged.BestEpoch - 1];
        Assert.Equal(kept.Validation.Accuracy, averaged.Validation.Accuracy, 9);
        Assert.Equal(kept.Validation.Loss, averaged.Validation.Loss, 5);
    }
}
