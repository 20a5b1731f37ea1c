using Equimodal.Data;
using Equimodal.Models;

namespace Equimodal.Training;

/// <summary>
/// Where a run's weights start: a whole-model weight file and pretrained encoders (transfer learning). Which of them the
/// optimizer moves is <see cref="OptimizerFactory"/>'s part.
/// </summary>
public static class InitialWeights
{
    /// <summary>Loads <see cref="TrainingOptions.InitWeights"/> and every encoder's pretrained weights into <paramref name="model"/>.</summary>
    public static void Apply(MultimodalClassifier model, TrainingOptions options)
    {
        if (options.InitWeights is not null) WeightInterchange.Load(model, options.InitWeights);
        foreach (EncoderTransfer transfer in options.Encoders.Where(t => t.Weights is not null))
            WeightInterchange.LoadInto(model.Encoder(IndexOf(model, transfer.Modality)), transfer.Weights!, transfer.SourcePrefix);
    }

    private static int IndexOf(MultimodalClassifier model, string modality) =>
        ModalityBinding.IndexOf(model.ModalityNames, modality, OptimizerFactory.EncoderOptions);
}
