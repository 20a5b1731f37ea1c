using Equimodal.Bench;

// Each benchmark is one subcommand: add an entry here and a class with a Run(string[] args) method.
var benchmarks = new Dictionary<string, (string Summary, Func<string[], int> Run)>
{
    ["attribution"] = ("Cost of one attribution call relative to one forward+backward of the same batch.", AttributionBenchmark.Run),
    ["distributed"] = ("Data-parallel cost under mpirun: ms per step and per gradient all-reduce, samples per second (bench/distributed/run.sh).", DistributedBenchmark.Run),
    ["pytorch"] = ("Milliseconds per step of Equimodal and of the same model and steps in PyTorch, interleaved, with their ratio.", PyTorchComparison.Run),
    ["scalar-race"] = ("Failures from TorchSharp's Scalar finalizer race, made frequent by a collecting thread (implicit, held or train workload).", ScalarRaceBenchmark.Run),
    ["step-parts"] = ("Where a joint step's time goes (forward, backward, optimizer, guard, .item()), in wall and CPU time.", StepPartsBenchmark.Run),
    ["step-time"] = ("Milliseconds per training step of each method relative to joint (same data, model and batch).", StepTimeBenchmark.Run),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Equimodal.Bench -- BENCHMARK [options]");
    foreach (var (name, entry) in benchmarks) Console.Error.WriteLine($"  {name,-14} {entry.Summary}");
    return args.Length == 0 ? 1 : 2;
}
return benchmark.Run(args[1..]);
