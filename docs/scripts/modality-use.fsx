// Draws the modality-use diagnostics of several runs (attr-reg with --modality-use true) into one figure, one line per
// label and modality. Build the CLI first (dotnet build src/Equimodal.Cli -c Release), then:
//   LD_LIBRARY_PATH=src/Equimodal.Cli/bin/Release/net10.0/runtimes/linux-x64/native dotnet fsi docs/scripts/modality-use.fsx OUT.png audio,visual LABEL=RUN_FOLDER[,RUN_FOLDER...] ...
#r "../../src/Equimodal.Cli/bin/Release/net10.0/Equimodal.dll"
#r "../../src/Equimodal.Cli/bin/Release/net10.0/ScottPlot.dll"
#r "../../src/Equimodal.Cli/bin/Release/net10.0/SkiaSharp.dll"

open System.Collections.Generic
open Equimodal.Reporting
open Equimodal.Training

let args = fsi.CommandLineArgs |> Array.skip 1
let output, modalities = args[0], args[1].Split(',')
let runs = Dictionary<string, IReadOnlyList<TrainingResult>>()
for entry in args |> Array.skip 2 do
    let parts = entry.Split([|'='|], 2)
    let label, folders = parts[0], parts[1].Split(',')
    runs[label] <- (folders |> Array.map (fun f -> RunFolder(f).ReadResults())) :> IReadOnlyList<TrainingResult>
if not (ComparisonPlots.WriteModalityUse(output, runs, modalities)) then failwith "No run logged the modality-use diagnostics (attr-reg --modality-use true)."
printfn "wrote %s" output
