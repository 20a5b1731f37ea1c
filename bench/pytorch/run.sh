#!/usr/bin/env bash
# Equimodal against the same model and steps in PyTorch, interleaved (see bench/README.md).
# Usage: bench/pytorch/run.sh [options of `Equimodal.Bench pytorch`, e.g. --rounds 3 --configs default-1t,default-2t]
# Needs Debian's python3-torch (PyTorch 1.13): installed here when absent.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
    apt-get install -y python3-torch
fi
dotnet build Equimodal.slnx -c Release -nodeReuse:false -v quiet -clp:NoSummary
cli=(dotnet src/Equimodal.Cli/bin/Release/net10.0/Equimodal.Cli.dll)
bench=(dotnet bench/Equimodal.Bench/bin/Release/net10.0/Equimodal.Bench.dll)

# First prove both sides run the same network: train a short run, export it, and compare logits on a random batch.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"${cli[@]}" train --dataset synthetic --method joint --epochs 1 --samples 300 --threads 1 --out "$work/run" > "$work/train.log"
"${cli[@]}" export --run "$work/run" --format pt --out "$work/model.pt" > /dev/null
uptime
"${bench[@]}" pytorch --python "$python" --check-run "$work/run" --check-weights "$work/model.pt" "$@"
uptime
