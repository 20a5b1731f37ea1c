using Equimodal.Selection;

namespace Equimodal.Tests.Selection;

public class HalvingScheduleTests
{
    [Fact]
    public void Nine_candidates_over_six_epochs_halve_until_two_reach_the_full_schedule()
    {
        HalvingSchedule schedule = HalvingSchedule.Plan(candidates: 9, fullEpochs: 6, eta: 2, firstEpochs: 1, references: 2);
        Assert.Equal(new[] { new Rung(1, 9), new Rung(2, 5), new Rung(4, 3), new Rung(6, 2) }, schedule.Rungs);
        Assert.Equal(6, schedule.ReferenceEpochs);
        // 9*1 + 5*(2-1) + 3*(4-2) + 2*(6-4) + references 2*6 + winner 6-6.
        Assert.Equal(36, schedule.TotalEpochs);
        Assert.Equal(6.0, schedule.FullRuns);
    }

    [Fact]
    public void A_long_schedule_stops_halving_at_one_candidate_and_the_winner_continues_to_the_end()
    {
        HalvingSchedule schedule = HalvingSchedule.Plan(candidates: 8, fullEpochs: 30, eta: 2, firstEpochs: 1, references: 2);
        Assert.Equal(new[] { new Rung(1, 8), new Rung(2, 4), new Rung(4, 2) }, schedule.Rungs);
        // 8 + 4*1 + 2*2 + references 2*4 + winner 30-4.
        Assert.Equal(50, schedule.TotalEpochs);

        HalvingSchedule thirds = HalvingSchedule.Plan(candidates: 9, fullEpochs: 30, eta: 3, firstEpochs: 1, references: 0);
        Assert.Equal(new[] { new Rung(1, 9), new Rung(3, 3) }, thirds.Rungs);
        Assert.Equal(9 + 3 * 2 + 27, thirds.TotalEpochs);
    }

    [Fact]
    public void One_candidate_is_one_rung_then_its_full_run()
    {
        HalvingSchedule schedule = HalvingSchedule.Plan(candidates: 1, fullEpochs: 5, eta: 2, firstEpochs: 2, references: 0);
        Assert.Equal(new[] { new Rung(2, 1) }, schedule.Rungs);
        Assert.Equal(5, schedule.TotalEpochs);
    }

    [Fact]
    public void Without_a_grace_period_the_budget_keeps_eta_and_takes_the_longest_first_rung_that_fits()
    {
        // First rung 1: 9+5+6+8 + references 2*8 + winner 10-8 = 46 epochs (4.6 runs); first rung 2: 64 epochs (6.4 runs).
        Assert.Equal(new[] { new Rung(1, 9), new Rung(2, 5), new Rung(4, 3), new Rung(8, 2) }, HalvingSchedule.WithinBudget(9, 10, 2, budgetRuns: 6, references: 2, graceEpochs: 1).Rungs);
        Assert.Equal(2, HalvingSchedule.WithinBudget(9, 10, 2, budgetRuns: 6.4, references: 2, graceEpochs: 1).Rungs[0].Epochs);
    }

    // The table of docs/selection.md: rungs as epochs x candidates, and total epochs, at budgets of 3, 4 and 6 full runs.
    // E.g. 10 epochs, 3 runs: two epochs each (18), references to 2 (4), the best continues 8 more = 30. 6 epochs, 3 runs:
    // two epochs each would take 18 + 4 + 4, so one epoch each; 4 runs: still no room for two, so the smallest eta that fits.
    [Theory]
    [InlineData(6, "1x9:16", "1x9 3x3:24", "3x9:36")]
    [InlineData(10, "2x9:30", "3x9:40", "2x9 6x3:46")]
    [InlineData(20, "2x9 6x3:56", "3x9 9x3:74", "3x9 6x5 12x3 20x2:116")]
    [InlineData(30, "3x9 9x3:84", "2x9 4x5 8x3 16x2:102", "5x9 10x5 20x3 30x2:180")]
    public void The_default_candidates_get_the_grace_period_first_then_the_most_rungs(int epochs, string threeRuns, string fourRuns, string sixRuns)
    {
        foreach ((double budget, string expected) in new[] { (3.0, threeRuns), (4.0, fourRuns), (6.0, sixRuns) })
        {
            HalvingSchedule schedule = HalvingSchedule.WithinBudget(9, epochs, 2, budget, references: 2, graceEpochs: 2);
            Assert.Equal(expected, string.Join(" ", schedule.Rungs.Select(r => $"{r.Epochs}x{r.Candidates}")) + $":{schedule.TotalEpochs}");
        }
    }

    [Fact]
    public void The_schedule_never_exceeds_the_budget_and_is_refused_only_when_one_epoch_each_and_the_best_ones_run_do_not_fit()
    {
        foreach (int candidates in new[] { 1, 2, 3, 7, 9, 12 })
        foreach (int epochs in new[] { 1, 2, 6, 10, 30 })
        foreach (int references in new[] { 0, 2 })
        foreach (int eta in new[] { 2, 3 })
        foreach (int grace in new[] { 1, 2, 4 })
        foreach (double budget in new[] { 0.5, 1, 2, 2.5, 3, 4, 6, 10 })
        {
            int cheapest = candidates + references + epochs - 1;
            if (cheapest > budget * epochs)
            {
                Assert.Throws<ArgumentException>(() => HalvingSchedule.WithinBudget(candidates, epochs, eta, budget, references, grace));
                continue;
            }
            HalvingSchedule schedule = HalvingSchedule.WithinBudget(candidates, epochs, eta, budget, references, grace);
            Assert.True(schedule.TotalEpochs <= budget * epochs, $"{candidates} candidates, {epochs} epochs, eta {eta}, grace {grace}: {schedule.TotalEpochs} epochs over a budget of {budget} runs");
            Assert.True(schedule.Eta >= eta);
            Assert.Equal(candidates, schedule.Rungs[0].Candidates);
        }
    }

    [Fact]
    public void A_huge_full_schedule_counts_its_epochs_without_overflow()
    {
        // Nine candidates of int.MaxValue / 2 epochs overflow an int, and a negative count would fit any budget.
        const int epochs = int.MaxValue / 2;
        HalvingSchedule schedule = HalvingSchedule.WithinBudget(9, epochs, 2, budgetRuns: 3, references: 2, graceEpochs: 2);
        Assert.True(schedule.TotalEpochs > epochs && schedule.FullRuns <= 3, $"{schedule.TotalEpochs} epochs, {schedule.FullRuns} full runs");
        Assert.Throws<ArgumentException>(() => HalvingSchedule.WithinBudget(9, epochs, 2, budgetRuns: 1, references: 2, graceEpochs: 2));
    }

    [Fact]
    public void A_budget_too_small_for_one_epoch_per_candidate_and_the_best_ones_run_is_refused_with_the_minimum()
    {
        var error = Assert.Throws<ArgumentException>(() => HalvingSchedule.WithinBudget(9, 6, 2, budgetRuns: 2.5, references: 2, graceEpochs: 2));
        Assert.Contains("--budget 2.5", error.Message);
        Assert.Contains("16 epochs (2.67 full runs", error.Message);
        Assert.Contains("--grace must be at least one epoch", Assert.Throws<ArgumentException>(() => HalvingSchedule.WithinBudget(9, 6, 2, 3, 2, graceEpochs: 0)).Message);
    }

    [Theory]
    [InlineData(0, 6, 2, 1, "at least one candidate")]
    [InlineData(3, 6, 1, 1, "--eta must be at least 2")]
    [InlineData(3, 6, 2, 7, "in 1..6")]
    public void Invalid_schedules_are_refused(int candidates, int epochs, int eta, int first, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => HalvingSchedule.Plan(candidates, epochs, eta, first, 0));
        Assert.Contains(message, error.Message);
    }
}
