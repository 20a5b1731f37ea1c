#!/usr/bin/env bash
# Packs the library (Equimodal) and the tool (Equimodal.Cli, command `equimodal`) and uses them as a .NET developer
# would, outside the repository: a fresh console project adds the library from a local folder and runs README.md's C#
# snippets (one-epoch training; prediction of files with a run, one of them unreadable); the tool is installed into a
# temporary tool path and runs `--help`, `--version` and the README's train, evaluate and predict commands on a small
# folder dataset of WAV and PNG files.
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

step "the README's C# snippets"
# Each C# block of README.md marked <!-- test: smoke --> becomes a program of its own, in order.
snippets="$work/snippets"
mkdir -p "$snippets"
awk -v dir="$snippets" '
    /^<!-- test: smoke -->/ { marked = 1; next }
    marked && /^```csharp/ { n++; file = sprintf("%s/%02d.cs", dir, n); inside = 1; marked = 0; next }
    inside && /^```/ { inside = 0; close(file); next }
    inside { print > file; next }
    NF { marked = 0 }' "$repo/README.md"
ls "$snippets"
test -s "$snippets/01.cs" && test -s "$snippets/02.cs" || { echo "FAIL: README.md lost its two C# snippets (training, prediction)"; exit 1; }

step "a fresh console project consumes the library (README snippet 1: training)"
app="$work/app"
dotnet new console -o "$app" --framework net10.0 --name SmokeApp >/dev/null
cd "$app"
dotnet add package Equimodal --version "$version" --source "$feed" >/dev/null
dotnet add package TorchSharp-cpu --version 0.107.0 >/dev/null
run_snippet() {
    cp "$snippets/$1.cs" Program.cs
    dotnet build -c Release -nodeReuse:false -v:q -nologo 2>&1 | tee "$work/app-build-$1.log" | tail -3
    dotnet run -c Release --no-build
}
output="$(run_snippet 01)"
echo "$output"
grep -Eq "^joint after 1 epoch: test accuracy [0-9.]+ ?%" <<<"$output" || { echo "FAIL: the console program did not report an accuracy"; exit 1; }

step "the tool installs into a tool path and runs"
tools="$work/tools"
dotnet tool install Equimodal.Cli --version "$version" --tool-path "$tools" --add-source "$feed"
help="$("$tools/equimodal" --help)"
grep -q "train" <<<"$help" || { echo "FAIL: equimodal --help does not list train"; exit 1; }
"$tools/equimodal" --version | grep -q "^$version" || { echo "FAIL: equimodal --version does not print $version"; exit 1; }
"$tools/equimodal" train --epochs 1 --samples 300 --threads 1 --out "$work/run"
for file in config.json metrics.jsonl results.json model.bin; do
    test -s "$work/run/$file" || { echo "FAIL: the tool's run folder lacks $file"; exit 1; }
done
ls "$work/run"/events.out.tfevents.* >/dev/null || { echo "FAIL: the tool's run folder has no TensorBoard event file"; exit 1; }

step "the README's own-data commands with the tool, then README snippet 2 (prediction) on the run"
# my-data as the README shows it: three classes, a tone (WAV) and a 28 x 28 grey image (PNG) per sample.
python3 - my-data <<'DATA'
import os, struct, sys, wave, zlib, math
root = sys.argv[1]
os.makedirs(f"{root}/wav", exist_ok=True); os.makedirs(f"{root}/img", exist_ok=True)
def png(path, grey):
    rows = b"".join(b"\0" + bytes([grey if x >= 14 else 0] * 28) for x in range(28))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
lines = ["id,label,split,audio,visual"]
for c, label in enumerate(["bird", "cat", "dog"]):
    for k in range(8):
        sid = f"s{c}{k:02d}"
        with wave.open(f"{root}/wav/{sid}.wav", "wb") as w:
            w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
            w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * (300 + 200 * c) * i / 8000))) for i in range(2000)))
        png(f"{root}/img/{sid}.png", 60 + 80 * c + k)
        lines.append(f"{sid},{label},{'test' if k < 2 else 'train'},wav/{sid}.wav,img/{sid}.png")
open(f"{root}/manifest.csv", "w").write("\n".join(lines) + "\n")
DATA
train_output="$("$tools/equimodal" train --dataset folder --data my-data --method attr-reg --epochs 1 --threads 1 --out runs/mine)"
echo "$train_output" | tail -5
grep -q "visual: read as 1 frame(s) of 1 x 28 x 28" <<<"$train_output" || { echo "FAIL: train did not report the image shape it read from the files"; exit 1; }
"$tools/equimodal" evaluate --run runs/mine --split test
"$tools/equimodal" predict --run runs/mine --data my-data/manifest.csv --out predictions.csv
test "$(wc -l < predictions.csv)" -eq 25 || { echo "FAIL: predictions.csv does not hold a header and 24 rows"; exit 1; }
# One unreadable image: the snippet must report it as a failure and predict the other 23.
printf 'not a png' > my-data/img/s000.png
output="$(run_snippet 02)"
echo "$output" | tail -4
test "$(grep -c '^s[0-9]*: [a-z]* (' <<<"$output")" -eq 23 || { echo "FAIL: the prediction snippet did not print 23 predictions"; exit 1; }
grep -q '^s000: not predicted: ' <<<"$output" || { echo "FAIL: the prediction snippet did not print the unreadable sample as a failure"; exit 1; }

step "sizes"
du -b "$feed"/*.nupkg | awk '{ printf "%8.1f MB  %s\n", $1 / 1e6, $2 }'
echo "package smoke test passed"
