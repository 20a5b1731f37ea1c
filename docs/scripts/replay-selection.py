#!/usr/bin/env python3
"""Replays `equimodal select` on the run folders of a finished `compare` grid, one selection per seed.

A selection row trains exactly what compare trains for the same method, seed and flags (select refuses a run folder
whose config.json differs), and the winner's paused-then-continued run equals an uninterrupted one bit for bit. So
copying a grid's finished runs into a selection folder and running `select --aggregate` there gives the decision,
the winner's test accuracy and its test failure gap that a fresh selection with the same flags would give, without
training anything. The compute reported is the selection's plan (`plannedEpochs`), not the grid's.

usage: replay-selection.py --cli PATH --grid DIR [--grid DIR2 ...] --flags "TRAIN FLAGS" --methods a,b,c
                           [--default-candidates] [--seeds 1-5] [--budget 3] [--extra "more select flags"] [--work DIR]
--methods names the candidates to copy from the grids (and passes them to select, unless --default-candidates: then
select takes its default candidates, which --methods must list, variants included).
"""
import argparse, json, math, os, shutil, statistics, subprocess, sys

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def interval(values):
    mean = statistics.mean(values)
    if len(values) < 2:
        return mean, float("nan")
    return mean, T95[len(values) - 1] * statistics.stdev(values) / math.sqrt(len(values))


def test_accuracy(run):
    with open(os.path.join(run, "results.json")) as f:
        return 100 * json.load(f)["test"]["accuracy"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True, help="the equimodal tool")
    p.add_argument("--grid", required=True, action="append")
    p.add_argument("--flags", required=True)
    p.add_argument("--methods", required=True)
    p.add_argument("--seeds", default="1-5")
    p.add_argument("--budget", default="3")
    p.add_argument("--extra", default="")
    p.add_argument("--default-candidates", action="store_true")
    p.add_argument("--work", default="replay")
    a = p.parse_args()
    first, last = (int(s) for s in a.seeds.split("-"))
    seeds = list(range(first, last + 1))
    methods = a.methods.split(",")
    located = {d: os.path.join(g, "runs", d) for g in a.grid for d in os.listdir(os.path.join(g, "runs"))}
    references = sorted({d.rsplit("-seed", 1)[0] for d in located if d.endswith("-only-seed1")})
    rows = []
    for seed in seeds:
        out = os.path.join(a.work, f"seed{seed}")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(os.path.join(out, "runs"))
        for name in methods + references:
            source = located[f"{name}-seed{seed}"]
            target = os.path.join(out, "runs", f"{name}-seed{seed}")
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("equimodal.lock"))
        candidates = [] if a.default_candidates else ["--methods", a.methods]
        command = [a.cli, "select", *a.flags.split(), "--seed", str(seed), *candidates,
                   "--budget", a.budget, *a.extra.split(), "--out", out, "--aggregate"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "selection.json")) as f:
            s = json.load(f)
        fixed = {m: test_accuracy(located[f"{m}-seed{seed}"]) for m in methods}
        rows.append((seed, s["winner"], 100 * s["final"]["test"]["accuracy"],
                     100 * s["final"]["testFailureGap"], s["compute"]["plannedEpochs"] / s["fullEpochs"], fixed))
    means = {m: statistics.mean(r[5][m] for r in rows) for m in methods}
    best = max(methods, key=lambda m: means[m])
    print(f"grids {', '.join(a.grid)}; candidates {'default: ' if a.default_candidates else ''}{a.methods}; budget {a.budget} {a.extra}".rstrip())
    print("| seed | selected | test accuracy | test failure gap | compute (full runs) | best fixed method on the seed | minus the best fixed mean's method, same seed |")
    print("|---:|---|---:|---:|---:|---|---:|")
    for seed, winner, accuracy, gap, runs, fixed in rows:
        top = max(methods, key=lambda m: fixed[m])
        print(f"| {seed} | {winner} | {accuracy:.1f} | {gap:.1f} | {runs:.2f} | {top} {fixed[top]:.1f} | {accuracy - fixed[best]:+.1f} |")
    mean, half = interval([r[2] - r[5][best] for r in rows])
    print(f"selected: {statistics.mean(r[2] for r in rows):.1f} ± {statistics.stdev(r[2] for r in rows):.1f}; "
          f"best fixed method by mean: {best} {means[best]:.1f}; paired difference {mean:+.1f} [{mean - half:+.1f}, {mean + half:+.1f}]; "
          f"failure gap ≤ 2 on {sum(round(r[3], 6) <= 2 for r in rows)} of {len(rows)} seeds")


if __name__ == "__main__":
    sys.exit(main())
