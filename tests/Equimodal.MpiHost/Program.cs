using System.Security.Cryptography;
using System.Text.Json;
using Equimodal.Data;
using Equimodal.Distributed;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;
using static TorchSharp.torch;

// Test host of tests/Equimodal.Tests/Distributed/MpiJobTests: started under mpirun, it runs one scenario of library code
// on every rank and prints one line "RESULT {json}" per rank, so the test can compare what each rank ends up holding with
// hand-computed values. Not a user tool: the CLI stays free of diagnostic verbs.
var scenarios = new Dictionary<string, Func<ICollective, object>>
{
    ["collectives"] = Collectives,
    ["batchnorm-training"] = BatchNormTraining,
};
if (args.Length != 1 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"usage: mpirun -np N dotnet Equimodal.MpiHost.dll {string.Join("|", scenarios.Keys)}");
    return 2;
}
ICollective collective = CollectiveLauncher.Open("mpi");
return DataParallelJob.Run(collective, () =>
{
    object result = scenario(collective);
    Console.WriteLine($"RESULT {JsonSerializer.Serialize(result)}");
    return 0;
}, message => Console.Error.WriteLine($"error: {message}"));

// Every collective operation with values that depend on the rank: rank r contributes r + 1, 10 r and so on.
static object Collectives(ICollective collective)
{
    int r = collective.Rank;
    float[] floats = { r + 1, 10f * r, 0.25f };
    collective.AllReduceSum(floats);
    double[] doubles = { 0.5 * (r + 1), -r };
    collective.AllReduceSum(doubles);
    double[] sum = collective.Sum(new[] { 1.0 + r, 3.0 * r });
    double[] mean = collective.Mean(new[] { 1.0 + r, 3.0 * r });
    using Tensor first = tensor(new float[] { r, 2f * r + 1 });
    using Tensor second = tensor(new float[] { 4f * r, -1f, r * r, 0f }).reshape(2, 2);
    collective.Average(new[] { first, second });
    byte[] fromRoot0 = { (byte)r, (byte)(r + 10), (byte)(r + 20) };
    collective.Broadcast(fromRoot0, root: 0);
    byte[] fromLast = { (byte)(100 + r) };
    collective.Broadcast(fromLast, root: collective.World - 1);
    using Tensor longs = tensor(new long[] { 100L * r + 7, -r });
    using Tensor doublesTensor = tensor(new double[] { 0.1 * (r + 1) });
    collective.Broadcast(new[] { longs, doublesTensor });
    collective.Barrier();
    return new
    {
        rank = r,
        world = collective.World,
        floats,
        doubles,
        sum,
        mean,
        averaged = first.data<float>().ToArray().Concat(second.data<float>().ToArray()).ToArray(),
        fromRoot0 = fromRoot0.Select(b => (int)b).ToArray(),
        fromLast = fromLast.Select(b => (int)b).ToArray(),
        broadcastLongs = longs.data<long>().ToArray(),
        broadcastDoubles = doublesTensor.data<double>().ToArray(),
    };
}

// Two epochs of joint training on a model with BatchNorm (the default small ResNet encoders): every rank reports a
// SHA-256 of its selected weights and, separately, of its buffers (BatchNorm running statistics and batch counts).
static object BatchNormTraining(ICollective collective)
{
    var splits = SyntheticAudioVisual.Generate(new SyntheticOptions { Samples = 120, ImageSize = 12, FrequencyBins = 12, TimeSteps = 12 });
    var options = new TrainingOptions { Epochs = 2, BatchSize = 8, Threads = 1, Device = "cpu", Seed = 4 };
    var trainer = new Trainer(options, new ModelOptions { Width = 4, Depth = 1 }, collective: collective);
    trainer.Fit(MethodRegistry.Create("joint", new MethodSettings()), splits);
    using MultimodalClassifier model = trainer.Model!;
    string[] bufferNames = model.named_buffers().Select(b => b.name).ToArray();
    Dictionary<string, Tensor> state = model.state_dict();
    return new
    {
        rank = collective.Rank,
        world = collective.World,
        weights = Digest(state.Where(kv => !bufferNames.Contains(kv.Key))),
        buffers = Digest(state.Where(kv => bufferNames.Contains(kv.Key))),
        runningStatistics = bufferNames.Count(n => n.EndsWith("running_mean", StringComparison.Ordinal)),
        // A running variance that left its initial 1 shows the statistics were trained, not just never touched.
        runningVarianceMoved = state.Where(kv => kv.Key.EndsWith("running_var", StringComparison.Ordinal)).Any(kv => kv.Value.ne(1).any().item<bool>()),
    };
}

static string Digest(IEnumerable<KeyValuePair<string, Tensor>> tensors)
{
    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    foreach (var (name, value) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
    {
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
        using Tensor cpu = value.detach().cpu().contiguous();
        hash.AppendData(cpu.bytes);
    }
    return Convert.ToHexString(hash.GetHashAndReset());
}
