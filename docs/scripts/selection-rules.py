#!/usr/bin/env python3
"""Replays `equimodal select`'s decision on finished comparison grids under other rung rules, without training.

A re-implementation of the halving schedule (Selection/HalvingSchedule.cs, fitted to --budget with the grace period) and
of the decision rule (Selection/SelectionRule.cs) over each run's recorded validation curve (metrics.jsonl), so that
rules the tool does not have can be measured on the same runs. With --rules accuracy it takes the tool's own
decisions (replay-selection.py, which runs `select --aggregate`, gives the same picks on the grids of docs/selection.md).

Rules, each scoring a candidate at every rung on the epochs trained so far:
  accuracy    the tool's rule: best validation accuracy; candidates whose validation failure gap (against the
              reference rows trained as long) is at most --max-gap rank first
  modalities  the same, scored by the mean of fused validation accuracy and the modalities' own mean accuracy
              (what --keep-epoch modalities keeps)
  pool        accuracy, with each modality's gap measured against the better of its reference row and the best
              own-logit accuracy any candidate of the rung reached (references are weak after one or two epochs)
  penalty     one score for every candidate: best validation accuracy minus the part of its failure gap (at that
              epoch) above --max-gap, so that when no candidate meets the bound a large gap still counts against it
and, for comparison, fixed:NAME (always that candidate, no selection).

usage: selection-rules.py --setting NAME=EPOCHS:GRID[,GRID...] [--setting ...] --candidates a,b,c
                          [--references audio-only,visual-only] [--seeds 1-5] [--budget 3] [--grace 2] [--eta 2]
                          [--max-gap 2] [--rules accuracy,modalities,pool,fixed:attr-reg-u8] [--picks]
--picks also prints each selection's winner ("pick SETTING SEED RULE WINNER"); SelectCommandTests compares those of
the accuracy rule with the tool's decisions.
"""
import argparse, json, math, os, statistics

# Student's t, 97.5 % quantile, by degrees of freedom (the normal 1.96 beyond the table)
T95 = dict(enumerate([12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
                      2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
                      2.045, 2.042], start=1)) | {39: 2.023, 49: 2.010, 59: 2.001, 99: 1.984}


def half_width(values):
    """Half-width of the 95 % interval of the mean from Student's t; nan for one value."""
    if len(values) < 2:
        return float("nan")
    return T95.get(len(values) - 1, 1.96) * statistics.stdev(values) / math.sqrt(len(values))


def load(grids, name, seed):
    for grid in grids:
        run = os.path.join(grid, "runs", f"{name}-seed{seed}")
        if os.path.exists(run):
            with open(os.path.join(run, "metrics.jsonl")) as f:
                epochs = [e for e in (json.loads(line) for line in f if line.strip()) if "validation" in e]
            with open(os.path.join(run, "results.json")) as f:
                test = json.load(f)["test"]
            return {"val": [100 * e["validation"]["accuracy"] for e in epochs],
                    "own": [{m: 100 * v for m, v in e["validation"].get("modalityAccuracy", {}).items()} for e in epochs],
                    "test": 100 * test["accuracy"],
                    "testOwn": {m: 100 * v for m, v in test.get("modalityAccuracy", {}).items()}}
    raise FileNotFoundError(f"{name}-seed{seed} in {grids}")


def plan(n, full, eta, first):
    rungs, shrink = [(first, n)], eta
    while rungs[-1][0] < full and math.ceil(n / shrink) >= 2:
        rungs.append((min(full, first * shrink), math.ceil(n / shrink)))
        shrink *= eta
    return rungs


def runs_of(rungs, n_refs, full):
    total = n_refs * rungs[-1][0] + full - rungs[-1][0]
    for k, (epochs, count) in enumerate(rungs):
        total += count * (epochs - (rungs[k - 1][0] if k else 0))
    return total / full


def schedule(n, full, budget, refs, grace, eta):
    best = None
    for factor in range(eta, max(eta, n) + 1):
        fitting = [r for r in range(1, full + 1) if runs_of(plan(n, full, factor, r), refs, full) <= budget + 1e-9]
        if fitting:
            key = (-min(max(fitting), grace), factor)
            if best is None or key < best[0]:
                best = (key, plan(n, full, factor, max(fitting)))
    if best is None:
        raise ValueError("budget too small")
    return best[1]


def score(rule, run, upto, reference):
    values = run["val"] if rule != "modalities" else [
        (run["val"][i] + statistics.mean(run["own"][i].values())) / 2 for i in range(len(run["val"]))]
    epoch = max(range(upto), key=lambda i: (values[i], -i))
    return values[epoch], max(reference[m] - run["own"][epoch][m] for m in reference)


def select(rule, runs, candidates, references, full, a):
    if rule.startswith("fixed:"):
        return rule[len("fixed:"):]
    alive = list(candidates)
    rungs = schedule(len(candidates), full, a.budget, len(references), a.grace, a.eta)
    for (epochs, _), keep in zip(rungs, [r[1] for r in rungs[1:]] + [1]):
        reference = {r[: -len("-only")]: max(runs[r]["val"][:epochs]) for r in references}
        if rule == "pool":
            reference = {m: max(v, max(runs[c]["own"][i][m] for c in alive for i in range(epochs))) for m, v in reference.items()}
        scores = {c: score(rule, runs[c], epochs, reference) for c in alive}
        if rule == "penalty":
            scores = {c: (acc - max(0.0, gap - a.max_gap), gap) for c, (acc, gap) in scores.items()}
            alive = sorted(alive, key=lambda c: (-scores[c][0], scores[c][1], candidates.index(c)))[:keep]
        else:
            alive = sorted(alive, key=lambda c: (scores[c][1] > a.max_gap, -scores[c][0], scores[c][1], candidates.index(c)))[:keep]
    return alive[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--setting", action="append", required=True)
    p.add_argument("--candidates", required=True)
    p.add_argument("--references", default="audio-only,visual-only")
    p.add_argument("--seeds", default="1-5")
    p.add_argument("--budget", type=float, default=3)
    p.add_argument("--grace", type=int, default=2)
    p.add_argument("--eta", type=int, default=2)
    p.add_argument("--max-gap", type=float, default=2)
    p.add_argument("--rules", default="accuracy,modalities,pool")
    p.add_argument("--picks", action="store_true")
    a = p.parse_args()
    first, last = (int(s) for s in a.seeds.split("-"))
    seeds = range(first, last + 1)
    candidates, references, rules = a.candidates.split(","), a.references.split(","), a.rules.split(",")
    print("| setting | " + " | ".join(rules) + " |")
    print("|---|" + "---:|" * len(rules))
    pooled = {r: [] for r in rules}
    for setting in a.setting:
        name, rest = setting.split("=", 1)
        full, grids = rest.split(":", 1)
        per_seed = {s: {m: load(grids.split(","), m, s) for m in candidates + references} for s in seeds}
        means = {c: statistics.mean(per_seed[s][c]["test"] for s in seeds) for c in candidates}
        best = max(candidates, key=lambda c: means[c])
        cells = []
        for rule in rules:
            differences, small = [], 0
            for s in seeds:
                runs = per_seed[s]
                winner = select(rule, runs, candidates, references, int(full), a)
                if a.picks:
                    print(f"pick {name} {s} {rule} {winner}")
                differences.append(runs[winner]["test"] - runs[best]["test"])
                gap = max(runs[r]["test"] - runs[winner]["testOwn"][r[: -len("-only")]] for r in references)
                small += round(gap, 6) <= a.max_gap
            pooled[rule] += differences
            mean, half = statistics.mean(differences), half_width(differences)
            cells.append(f"{mean:+.1f} [{mean - half:+.1f}, {mean + half:+.1f}], gap ≤ {a.max_gap:g} on {small}/{len(differences)}")
        print(f"| {name} (best: {best} {means[best]:.1f}) | " + " | ".join(cells) + " |")
    print("| all settings, mean | " + " | ".join(f"{statistics.mean(v):+.2f}" for v in pooled.values()) + " |")
    base = rules[0]
    for rule in rules[1:]:
        d = [x - y for x, y in zip(pooled[rule], pooled[base])]
        mean, half = statistics.mean(d), half_width(d)
        print(f"{rule} minus {base}, paired over {len(d)} selections: {mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]")


if __name__ == "__main__":
    main()
