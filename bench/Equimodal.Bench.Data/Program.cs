// Data pipeline benchmarks: how fast samples are produced against how fast a training step consumes them.
// Usage: dotnet run -c Release --project bench/Equimodal.Bench.Data -- [avdigits [DATA_ROOT] [THREADS] | files [CLIPS] [THREADS]]
//   avdigits (default): AV-Digits from ../shared/datasets, features computed once and held in memory.
//   files: a generated CREMA-D layout (WAV + JPEG frames) read from disk every epoch, as cremad/vggsound/folder are.
using Equimodal.Bench.Data;

string mode = args.Length > 0 ? args[0] : "avdigits";
string[] rest = args.Skip(1).ToArray();
return mode switch
{
    "avdigits" => AvDigitsPipelineBenchmark.Run(rest.Length > 0 ? rest[0] : Path.Combine("..", "shared", "datasets"), rest.Length > 1 ? int.Parse(rest[1]) : 2),
    "files" => FilePipelineBenchmark.Run(rest.Length > 0 ? int.Parse(rest[0]) : 96, rest.Length > 1 ? int.Parse(rest[1]) : 2),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Equimodal.Bench.Data [avdigits [DATA_ROOT] [THREADS] | files [CLIPS] [THREADS]]");
    return 2;
}
