using Equimodal.Training;

namespace Equimodal.Tests.Training;

public class TrainingOptionsTests
{
    [Theory]
    [InlineData(nameof(TrainingOptions.Epochs), "TrainingOptions.Epochs must be a positive integer, got 0.")]
    [InlineData(nameof(TrainingOptions.LearningRate), "TrainingOptions.LearningRate must be a positive number, got -1.")]
    [InlineData(nameof(TrainingOptions.GradientClip), "TrainingOptions.GradientClip must be non-negative, got -1.")]
    [InlineData(nameof(TrainingOptions.KeepCheckpoints), "TrainingOptions.KeepCheckpoints must be at least 1, got 0.")]
    [InlineData(nameof(TrainingOptions.EmaDecay), "TrainingOptions.EmaDecay must be in [0, 1) (0 = no averaging), got 1.")]
    public void An_out_of_range_value_is_named_by_its_property_not_by_a_command_line_flag(string property, string message)
    {
        TrainingOptions options = property switch
        {
            nameof(TrainingOptions.Epochs) => new TrainingOptions { Epochs = 0 },
            nameof(TrainingOptions.LearningRate) => new TrainingOptions { LearningRate = -1 },
            nameof(TrainingOptions.GradientClip) => new TrainingOptions { GradientClip = -1 },
            nameof(TrainingOptions.EmaDecay) => new TrainingOptions { EmaDecay = 1 },
            _ => new TrainingOptions { KeepCheckpoints = 0 },
        };
        Assert.Equal(message, Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_valid_ones()
    {
        Assert.Contains("adamw, sgd", Assert.Throws<ArgumentException>(() => new TrainingOptions { Optimizer = "lamb" }.Validate()).Message);
        Assert.Contains("auto, cpu, cuda", Assert.Throws<ArgumentException>(() => new TrainingOptions { Device = "tpu" }.Validate()).Message);
    }
}
