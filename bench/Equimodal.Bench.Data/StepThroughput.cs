using System.Diagnostics;
using Equimodal.Data;
using Equimodal.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Equimodal.Bench.Data;

/// <summary>Samples per second of plain joint training steps (forward, cross-entropy, backward, AdamW) over given batches.</summary>
internal sealed class StepThroughput(MultimodalClassifier model)
{
    private readonly optim.Optimizer _optimizer = optim.AdamW(model.parameters(), 1e-3);

    /// <summary>Trains on every batch (disposing it) and returns samples per second.</summary>
    public double Train(IEnumerable<Batch> batches)
    {
        model.train();
        var timer = Stopwatch.StartNew();
        long seen = 0;
        foreach (Batch batch in batches)
        {
            using var scope = NewDisposeScope();
            using Batch owned = batch;
            _optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.Forward(owned.Inputs).Logits, owned.Labels);
            loss.backward();
            _optimizer.step();
            seen += owned.Size;
        }
        return seen / timer.Elapsed.TotalSeconds;
    }

    /// <summary>Reads every batch (disposing it) without training and returns samples per second.</summary>
    public static double Read(IEnumerable<Batch> batches)
    {
        var timer = Stopwatch.StartNew();
        long produced = 0;
        foreach (Batch batch in batches)
        {
            produced += batch.Size;
            batch.Dispose();
        }
        return produced / timer.Elapsed.TotalSeconds;
    }
}
