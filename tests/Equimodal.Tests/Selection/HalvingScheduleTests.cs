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
    public void The_budget_takes_the_longest_first_rung_that_fits()
    {
        // First rung 1: 9+5+6+8 + references 2*8 + winner 10-8 = 46 epochs (4.6 runs); first rung 2: 64 epochs (6.4 runs).
        Assert.Equal(1, HalvingSchedule.WithinBudget(9, 10, 2, budgetRuns: 6, references: 2).Rungs[0].Epochs);
        Assert.Equal(2, HalvingSchedule.WithinBudget(9, 10, 2, budgetRuns: 6.4, references: 2).Rungs[0].Epochs);
    }

    [Fact]
    public void A_budget_too_small_for_one_epoch_per_candidate_is_refused_with_the_minimum()
    {
        var error = Assert.Throws<ArgumentException>(() => HalvingSchedule.WithinBudget(9, 6, 2, budgetRuns: 3, references: 2));
        Assert.Contains("--budget 3", error.Message);
        Assert.Contains("36 epochs (6 full runs", error.Message);
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
