#!/usr/bin/env bash
# Data-parallel scaling (see bench/README.md): ms per step and per gradient all-reduce at 1 and 2 ranks (1 thread each),
# for the default model and for ResNet-18 encoders, and the throughput ratio 2 ranks / 1 rank, as a markdown table.
# Usage: bench/distributed/run.sh [--encoders small,resnet18] [--steps N] [--warmup N]
# Needs OpenMPI (apt-get install -y openmpi-bin).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
encoders=small,resnet18
steps=20
warmup=3
while [ $# -gt 0 ]; do
    case "$1" in
        --encoders) encoders="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        *) echo "unknown option $1 (valid: --encoders LIST, --steps N, --warmup N)" >&2; exit 2 ;;
    esac
done
command -v mpirun > /dev/null || { echo "mpirun not found: apt-get install -y openmpi-bin" >&2; exit 1; }
dotnet build bench/Equimodal.Bench -c Release -nodeReuse:false -v quiet -clp:NoSummary
bench=bench/Equimodal.Bench/bin/Release/net10.0/Equimodal.Bench.dll
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to none -x OMP_NUM_THREADS=1)

# One RESULT line per (encoder, ranks), from rank 0; the rest of each run's output goes to stderr.
results=()
for encoder in ${encoders//,/ }; do
    for ranks in 1 2; do
        output="$("${mpirun[@]}" -np "$ranks" dotnet "$bench" distributed --encoder "$encoder" --steps "$steps" --warmup "$warmup" --threads 1)"
        # A line may start with a terminal control sequence written by a rank's console: match RESULT anywhere.
        echo "$output" | grep -v 'RESULT ' >&2 || true
        results+=("$(echo "$output" | grep -o 'RESULT .*')")
    done
done

echo
echo "| model | ranks | batch per rank | ms per step | ms gradient all-reduce | samples/s | throughput 2 ranks / 1 rank |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${results[@]}" | awk '
    {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        model = v["encoder"] == "resnet18" ? "ResNet-18 (257x188, 3x224x224)" : "default (32x32, 3x24x24)"
        # Samples per second from the step time itself, so that the ratio does not inherit the printed rounding.
        throughput = v["ranks"] * v["batch"] * 1000 / v["step_ms"]
        if (v["ranks"] == 1) single[v["encoder"]] = throughput
        ratio = (v["ranks"] == 1 || !(v["encoder"] in single)) ? "" : sprintf("%.2f", throughput / single[v["encoder"]])
        allreduce = v["allreduce_ms"] == "n/a" ? "-" : v["allreduce_ms"]
        printf "| %s | %s | %s | %s | %s | %.2f | %s |\n", model, v["ranks"], v["batch"], v["step_ms"], allreduce, throughput, ratio
    }'
