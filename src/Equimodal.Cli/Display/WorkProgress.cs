using Spectre.Console;

namespace Equimodal.Cli.Display;

/// <summary>Progress of one long computation that reports (done, total): a bar on a terminal, a line per tenth in logs.</summary>
public static class WorkProgress
{
    /// <summary>Runs <paramref name="work"/>, showing the progress it reports under <paramref name="label"/> with <paramref name="unit"/> as the counted thing.</summary>
    public static T Run<T>(string label, string unit, Func<Action<long, long>, T> work)
    {
        if (!TrainingDisplay.Interactive)
        {
            long lastTenth = -1;
            return work((done, total) =>
            {
                long tenth = 10 * done / Math.Max(1, total);
                if (tenth == lastTenth) return;
                lastTenth = tenth;
                AnsiConsole.WriteLine($"{label}: {done}/{total} {unit}");
            });
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                ProgressTask task = progress.AddTask(label);
                result = work((done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                });
            });
        return result;
    }
}
