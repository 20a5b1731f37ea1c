#!/usr/bin/env bash
# Pins `equimodal demo --threads 1` value for value: every run's results.json without wall-clock fields, and every
# run's model.bin.sha256. Floats depend on the kernels, so the pin is per CPU kind and kernel choice.
#   bench/pins/demo.sh check    trains the demo (about 5 minutes of one core) and compares with the pin for this CPU
#   bench/pins/demo.sh record   writes the pin for this CPU (only on a commit known to be right)
#   a second argument names a finished `demo --threads 1` output folder to read instead of training one
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:-check}"
vendor=$(grep -m1 vendor_id /proc/cpuinfo | awk '{print $3}')
family=$(grep -m1 'cpu family' /proc/cpuinfo | awk '{print $4}')
model=$(grep -m1 '^model' /proc/cpuinfo | awk '{print $3}')
case "${EQUIMODAL_ONEDNN:-auto}" in
    on) onednn=on ;;
    off) onednn=off ;;
    *) if [ "$vendor" = AuthenticAMD ] && [ "$family" = 26 ]; then onednn=off; else onednn=on; fi ;;
esac
pin="bench/pins/demo.$vendor-family$family-model$model-onednn-$onednn.txt"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
demo="${2:-}"
if [ -z "$demo" ]; then
    demo="$out/demo"
    dotnet build src/Equimodal.Cli -c Release -v quiet -nologo >/dev/null
    dotnet src/Equimodal.Cli/bin/Release/net10.0/Equimodal.Cli.dll demo --threads 1 --out "$demo" >"$out/demo.log" 2>&1 \
        || { tail -20 "$out/demo.log"; exit 1; }
fi
digest="$out/digest.txt"
for run in $(ls "$demo"); do
    echo "== $run"
    python3 -c '
import json, sys
def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if "seconds" not in k.lower()}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node
print(json.dumps(strip(json.load(open(sys.argv[1]))), indent=1, sort_keys=True))' "$demo/$run/results.json"
    cut -d' ' -f1 "$demo/$run/model.bin.sha256"
done >"$digest"
if [ "$mode" = record ]; then
    cp "$digest" "$pin"
    echo "recorded $pin"
elif [ ! -f "$pin" ]; then
    echo "no pin for this CPU kind ($pin); record one with: bench/pins/demo.sh record"
    exit 2
elif diff -u "$pin" "$digest" >"$out/diff.txt"; then
    echo "demo results identical to $pin"
else
    head -40 "$out/diff.txt"
    echo "demo results differ from $pin"
    exit 1
fi
