#!/usr/bin/env bash
# Packs the library (Equimodal) and the tool (Equimodal.Cli, command `equimodal`) and uses them as a .NET developer
# would, outside the repository: a fresh console project adds the library from a local folder and trains `joint` for
# one epoch; the tool is installed into a temporary tool path and runs `--help` and a one-epoch `train`.
# The packages get a unique version, so no cached package can stand in for them; TorchSharp and libtorch come from the
# machine's NuGet cache as usual. Usage: bash build/package-smoke.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/equimodal-package-smoke.XXXXXX")"
version="0.1.0-smoke.$(date +%s).$$"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
    rm -rf "$work" "$packages/equimodal/$version" "$packages/equimodal.cli/$version" "$packages/equimodal.cli.linux-x64/$version"
}
trap cleanup EXIT
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

step "copy the sources (the repository's own bin/ and obj/ stay untouched)"
mkdir -p "$work/src"
cp "$repo"/Directory.Build.props "$repo"/Directory.Build.targets "$repo"/Directory.Packages.props "$repo"/global.json "$repo"/README.md "$work/src/"
cp -r "$repo/build" "$work/src/build"
mkdir -p "$work/src/src"
for project in Equimodal Equimodal.Cli; do
    (cd "$repo/src" && tar --exclude=bin --exclude=obj -cf - "$project") | (cd "$work/src/src" && tar -xf -)
done

step "pack $version"
feed="$work/feed"
dotnet pack "$work/src/src/Equimodal/Equimodal.csproj" -c Release -o "$feed" -p:Version="$version" -nodeReuse:false -v:q -nologo
dotnet pack "$work/src/src/Equimodal.Cli/Equimodal.Cli.csproj" -c Release -o "$feed" -p:Version="$version" -nodeReuse:false -v:q -nologo
ls -l "$feed"
# The tool is packed per platform: a small top-level package and the linux-x64 one with libtorch.
test -s "$feed/Equimodal.Cli.linux-x64.$version.nupkg" || { echo "FAIL: no linux-x64 tool package"; exit 1; }
library_package="$feed/Equimodal.$version.nupkg"
# Listings are read into variables first: `grep -q` closing a pipe early would fail the pipeline under pipefail.
listing="$(unzip -l "$library_package")"
nuspec="$(unzip -p "$library_package" Equimodal.nuspec)"
for entry in README.md lib/net10.0/Equimodal.dll lib/net10.0/Equimodal.xml buildTransitive/Equimodal.targets buildTransitive/ElfVersionNeedPatcher.cs; do
    grep -q " $entry\$" <<<"$listing" || { echo "FAIL: $library_package lacks $entry"; exit 1; }
done
grep -q '<dependency id="TorchSharp" version="0.107.0"' <<<"$nuspec" \
    || { echo "FAIL: the library must depend on the backend-neutral TorchSharp package"; exit 1; }
if grep -q '<dependency id="TorchSharp-cpu"' <<<"$nuspec"; then echo "FAIL: the library must not pull in TorchSharp-cpu"; exit 1; fi

step "a fresh console project consumes the library"
app="$work/app"
dotnet new console -o "$app" --framework net10.0 --name SmokeApp >/dev/null
cd "$app"
dotnet add package Equimodal --version "$version" --source "$feed" >/dev/null
dotnet add package TorchSharp-cpu --version 0.107.0 >/dev/null
cat > Program.cs <<'PROGRAM'
using Equimodal.Data;
using Equimodal.Methods;
using Equimodal.Models;
using Equimodal.Training;

// The built-in synthetic audio-visual benchmark, kept small so one epoch takes seconds.
DatasetSplits data = SyntheticAudioVisual.Generate(new SyntheticOptions { Samples = 300 });
var options = new TrainingOptions { Epochs = 1, Seed = 1, Threads = 1 };
var trainer = new Trainer(options, new ModelOptions { Fusion = "concat" });
TrainingResult result = trainer.Fit(MethodRegistry.Create("joint"), data);
Console.WriteLine($"joint after {result.History.Count} epoch: test accuracy {result.Test.Accuracy:P1}");
foreach ((string modality, double accuracy) in result.Test.ModalityAccuracy)
    Console.WriteLine($"  {modality} alone: {accuracy:P1}");
PROGRAM
dotnet build -c Release -nodeReuse:false -v:q -nologo 2>&1 | tee "$work/app-build.log" | tail -3
output="$(dotnet run -c Release --no-build)"
echo "$output"
grep -Eq "^joint after 1 epoch: test accuracy [0-9.]+ ?%" <<<"$output" || { echo "FAIL: the console program did not report an accuracy"; exit 1; }

step "the tool installs into a tool path and runs"
tools="$work/tools"
dotnet tool install Equimodal.Cli --version "$version" --tool-path "$tools" --add-source "$feed"
help="$("$tools/equimodal" --help)"
grep -q "train" <<<"$help" || { echo "FAIL: equimodal --help does not list train"; exit 1; }
"$tools/equimodal" train --epochs 1 --samples 300 --threads 1 --out "$work/run"
for file in config.json metrics.jsonl results.json model.bin; do
    test -s "$work/run/$file" || { echo "FAIL: the tool's run folder lacks $file"; exit 1; }
done
ls "$work/run"/events.out.tfevents.* >/dev/null || { echo "FAIL: the tool's run folder has no TensorBoard event file"; exit 1; }

step "sizes"
du -b "$feed"/*.nupkg | awk '{ printf "%8.1f MB  %s\n", $1 / 1e6, $2 }'
echo "package smoke test passed"
