namespace Equimodal.Selection;

/// <summary>
/// Successive halving (Jamieson and Talwalkar 2016) over a full schedule of <see cref="FullEpochs"/> epochs: rung k
/// compares ceil(n / eta^k) candidates after min(first * eta^k, full) epochs, and rungs continue while at least two
/// candidates would be compared and the previous rung stopped before the full schedule. The top of the last rung is the
/// winner, which then continues to the full schedule. The unimodal reference rows train once, to the last rung's epochs,
/// so every rung can measure a failure gap against references trained as long as the candidates.
/// </summary>
public sealed record HalvingSchedule
{
    /// <summary>Candidates in the first rung.</summary>
    public int Candidates { get; init; }

    /// <summary>Epochs of one full run.</summary>
    public int FullEpochs { get; init; }

    /// <summary>Reduction factor: each rung keeps the best 1/eta of the previous one (2 keeps the better half).</summary>
    public int Eta { get; init; }

    /// <summary>Unimodal reference rows trained in the first rung.</summary>
    public int References { get; init; }

    /// <summary>The rungs, first to last.</summary>
    public IReadOnlyList<Rung> Rungs { get; init; } = Array.Empty<Rung>();

    /// <summary>Epochs the reference rows train to: those of the last rung.</summary>
    public int ReferenceEpochs => Rungs[^1].Epochs;

    /// <summary>
    /// Training epochs of the whole selection: every rung's candidates from the previous rung's epochs to their own,
    /// the references, and the winner from the last rung to the full schedule. A long, since candidates times a huge
    /// --epochs overflows an int, and an overflowed count would fit any budget.
    /// </summary>
    public long TotalEpochs
    {
        get
        {
            long total = (long)References * ReferenceEpochs + FullEpochs - Rungs[^1].Epochs;
            for (int k = 0; k < Rungs.Count; k++) total += (long)Rungs[k].Candidates * (Rungs[k].Epochs - (k == 0 ? 0 : Rungs[k - 1].Epochs));
            return total;
        }
    }

    /// <summary><see cref="TotalEpochs"/> in full runs (one full run: <see cref="FullEpochs"/> epochs).</summary>
    public double FullRuns => (double)TotalEpochs / FullEpochs;

    /// <summary>Plans the rungs for <paramref name="candidates"/> candidates whose first rung trains <paramref name="firstEpochs"/> epochs.</summary>
    public static HalvingSchedule Plan(int candidates, int fullEpochs, int eta, int firstEpochs, int references)
    {
        if (candidates < 1) throw new ArgumentException("A selection needs at least one candidate.");
        if (fullEpochs < 1) throw new ArgumentException($"--epochs must be a positive integer, got {fullEpochs}.");
        if (eta < 2) throw new ArgumentException($"--eta must be at least 2 (2 keeps the better half of each rung), got {eta}.");
        if (firstEpochs < 1 || firstEpochs > fullEpochs) throw new ArgumentException($"The first rung's epochs must be in 1..{fullEpochs} (--epochs), got {firstEpochs}.");
        if (references < 0) throw new ArgumentException($"Reference rows cannot be negative, got {references}.");
        var rungs = new List<Rung> { new(firstEpochs, candidates) };
        long shrink = eta, grow = eta;
        while (rungs[^1].Epochs < fullEpochs)
        {
            int next = (int)((candidates + shrink - 1) / shrink);
            if (next < 2) break;
            rungs.Add(new Rung((int)Math.Min(fullEpochs, firstEpochs * grow), next));
            shrink *= eta;
            grow *= eta;
        }
        return new HalvingSchedule { Candidates = candidates, FullEpochs = fullEpochs, Eta = eta, References = references, Rungs = rungs };
    }

    /// <summary>
    /// The schedule for <paramref name="budgetRuns"/> full runs. Among the schedules that fit (first rung 1..full epochs,
    /// reduction factor <paramref name="eta"/> or larger, up to one rung that continues only its best candidate), it takes
    /// the one whose first rung covers the most of the first <paramref name="graceEpochs"/> epochs, then the smallest
    /// reduction factor (the most rungs), then the longest first rung. The first rung cuts the most candidates on the
    /// least training, where validation rankings are noisiest and methods with slow starts trail (successive halving's
    /// grace period, as in ASHA), so its length comes before the number of rungs. Refused when even the cheapest schedule,
    /// one epoch per candidate and then the best one's full run, does not fit.
    /// </summary>
    public static HalvingSchedule WithinBudget(int candidates, int fullEpochs, int eta, double budgetRuns, int references, int graceEpochs)
    {
        if (!(budgetRuns > 0) || double.IsInfinity(budgetRuns)) throw new ArgumentException($"--budget must be a positive number of full runs, got {budgetRuns}.");
        if (graceEpochs < 1) throw new ArgumentException($"--grace must be at least one epoch, got {graceEpochs}.");
        if (eta < 2) throw new ArgumentException($"--eta must be at least 2 (2 keeps the better half of each rung), got {eta}.");
        int singleRung = Math.Max(eta, candidates);
        HalvingSchedule cheapest = Plan(candidates, fullEpochs, singleRung, 1, references);
        if (cheapest.FullRuns > budgetRuns + 1e-9)
            throw new ArgumentException(FormattableString.Invariant(
                $"--budget {budgetRuns} full runs is too small for {candidates} candidates: even one epoch each and then the best one's full run trains {cheapest.TotalEpochs} epochs ({cheapest.FullRuns:0.##} full runs of {fullEpochs} epochs, with {references} reference row(s)). Raise --budget or list fewer candidates in --methods."));
        // A schedule's cost never falls as its first rung grows (rungs that would start at the full schedule cost the
        // same as the full run they replace), so each factor's longest fitting first rung is found by bisection; that
        // one ranks first among the factor's schedules, and the search stays short for any --epochs.
        return Enumerable.Range(eta, singleRung - eta + 1)
            .Select(factor => Plan(candidates, fullEpochs, factor, LongestFittingFirstRung(candidates, fullEpochs, factor, budgetRuns, references), references))
            .Where(schedule => schedule.FullRuns <= budgetRuns + 1e-9)
            .OrderByDescending(schedule => Math.Min(schedule.Rungs[0].Epochs, graceEpochs))
            .ThenBy(schedule => schedule.Eta)
            .First();
    }

    private static int LongestFittingFirstRung(int candidates, int fullEpochs, int eta, double budgetRuns, int references)
    {
        int fits = 1;
        long tooLong = fullEpochs + 1L;
        while (tooLong - fits > 1)
        {
            int first = (int)(fits + (tooLong - fits) / 2);
            if (Plan(candidates, fullEpochs, eta, first, references).FullRuns <= budgetRuns + 1e-9) fits = first;
            else tooLong = first;
        }
        return fits;
    }
}
