using Equimodal.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// Where a run's weights start and which of them the optimizer moves: a whole-model weight file, pretrained encoders
/// (transfer learning), frozen encoders and encoders with their own learning rate (optimizer parameter groups).
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

    /// <summary>
    /// Creates the optimizer: one parameter group for everything, plus one per encoder with its own learning rate;
    /// frozen encoders stop requiring gradients and are left out.
    /// </summary>
    public static optim.Optimizer CreateOptimizer(MultimodalClassifier model, TrainingOptions options)
    {
        if (options.Encoders.Count == 0)
        {
            return options.Optimizer == "sgd"
                ? optim.SGD(model.parameters(), options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay)
                : optim.AdamW(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        }
        var special = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var groups = new List<Parameter[]>();
        var rates = new List<double?>();
        foreach (EncoderTransfer transfer in options.Encoders)
        {
            Parameter[] parameters = model.EncoderParameters(IndexOf(model, transfer.Modality)).ToArray();
            foreach (Parameter p in parameters) special.Add(p);
            if (transfer.Freeze)
            {
                foreach (Parameter p in parameters) p.requires_grad = false;
                continue;
            }
            groups.Add(parameters);
            rates.Add(transfer.LearningRate);
        }
        groups.Insert(0, model.parameters().Where(p => !special.Contains(p)).ToArray());
        rates.Insert(0, null);
        return Create(groups, rates, options);
    }

    private static optim.Optimizer Create(IReadOnlyList<Parameter[]> groups, IReadOnlyList<double?> rates, TrainingOptions options)
    {
        if (options.Optimizer == "sgd")
        {
            var sgdGroups = groups.Select((g, i) => new SGD.ParamGroup(g, new SGD.Options { LearningRate = rates[i] ?? options.LearningRate }));
            return optim.SGD(sgdGroups, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay);
        }
        var adamGroups = groups.Select((g, i) => new AdamW.ParamGroup(g, new AdamW.Options { LearningRate = rates[i] ?? options.LearningRate }));
        return optim.AdamW(adamGroups, options.LearningRate, weight_decay: options.WeightDecay);
    }

    private static int IndexOf(MultimodalClassifier model, string modality)
    {
        int index = model.ModalityNames.ToList().IndexOf(modality);
        if (index < 0) throw new ArgumentException($"The model has no '{modality}' encoder. Modalities: {string.Join(", ", model.ModalityNames)}.");
        return index;
    }
}
