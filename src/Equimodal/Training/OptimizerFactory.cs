using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Equimodal.Training;

/// <summary>
/// Every optimizer of a run is built here, from the run's settings (kind, learning rate, momentum, weight decay): the
/// trainer's over the model, with parameter groups for encoders with their own learning rate and without frozen encoders,
/// any a method steps itself (e.g. attr-reg-published's fusion optimizer, registered with the step runner) and the
/// linear probe's.
/// </summary>
public static class OptimizerFactory
{
    /// <summary>Who needs an encoder by name, for the error when the model has no such modality.</summary>
    internal const string EncoderOptions = "An encoder option (--encoder-weights, --freeze-encoder, --encoder-lr)";

    /// <summary>
    /// Creates the optimizer: one parameter group for everything, plus one per encoder with its own learning rate;
    /// frozen encoders stop requiring gradients and are left out.
    /// </summary>
    public static optim.Optimizer Create(MultimodalClassifier model, TrainingOptions options)
    {
        if (options.Encoders.Count == 0) return Create(model.parameters(), options);
        var special = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var groups = new List<Parameter[]>();
        var rates = new List<double?>();
        foreach (EncoderTransfer transfer in options.Encoders)
        {
            Parameter[] parameters = model.EncoderParameters(ModalityBinding.IndexOf(model.ModalityNames, transfer.Modality, EncoderOptions)).ToArray();
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


    /// <summary>
    /// An optimizer of the run's kind and learning rate over <paramref name="parameters"/>, with the run's weight decay or
    /// <paramref name="weightDecay"/> when given.
    /// </summary>
    public static optim.Optimizer Create(IEnumerable<Parameter> parameters, TrainingOptions options, double? weightDecay = null)
    {
        double decay = weightDecay ?? options.WeightDecay;
        return options.Optimizer == "sgd"
            ? new HeldScalars.SGD(new[] { new SGD.ParamGroup { Parameters = parameters } }, options.LearningRate, options.Momentum, decay)
            : new HeldScalars.AdamW(new[] { new AdamW.ParamGroup { Parameters = parameters } }, options.LearningRate, decay);
    }

    // TorchSharp's AdamW and SGD with their Scalars held (Training/HeldScalars/): same results and state, no finalizer race.
    private static optim.Optimizer Create(IReadOnlyList<Parameter[]> groups, IReadOnlyList<double?> rates, TrainingOptions options)
    {
        if (options.Optimizer == "sgd")
        {
            var sgdGroups = groups.Select((g, i) => new SGD.ParamGroup(g, new SGD.Options { LearningRate = rates[i] ?? options.LearningRate }));
            return new HeldScalars.SGD(sgdGroups, options.LearningRate, options.Momentum, options.WeightDecay);
        }
        var adamGroups = groups.Select((g, i) => new AdamW.ParamGroup(g, new AdamW.Options { LearningRate = rates[i] ?? options.LearningRate }));
        return new HeldScalars.AdamW(adamGroups, options.LearningRate, options.WeightDecay);
    }
}
