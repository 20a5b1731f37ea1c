using System.Globalization;
using Equimodal.Evaluation;
using Equimodal.Reporting;
using Equimodal.Training;
using Spectre.Console;

namespace Equimodal.Cli.Display;

/// <summary>Shows training progress: a live progress bar per job on a terminal, one log line per epoch otherwise.</summary>
public static class TrainingDisplay
{
    /// <summary>A labelled unit of training work that reports to an observer.</summary>
    public sealed record Job(string Label, Func<ITrainingObserver, TrainingResult> Work);

    /// <summary>True when the console is an interactive terminal (live display), false for logs and pipes.</summary>
    public static bool Interactive => AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    /// <summary>Runs the jobs one after another and returns their results.</summary>
    public static IReadOnlyList<TrainingResult> Run(IReadOnlyList<Job> jobs)
    {
        if (!Interactive) return jobs.Select(job => job.Work(new LogObserver(job.Label))).ToArray();
        var results = new List<TrainingResult>();
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                // Several jobs (a comparison) also get an overall bar counting finished jobs.
                ProgressTask? overall = jobs.Count > 1 ? context.AddTask($"all {jobs.Count} runs", maxValue: jobs.Count) : null;
                var tasks = jobs.Select(job => context.AddTask(Markup.Escape(job.Label), autoStart: false)).ToArray();
                for (int i = 0; i < jobs.Count; i++)
                {
                    tasks[i].StartTask();
                    results.Add(jobs[i].Work(new ProgressObserver(tasks[i], jobs[i].Label)));
                    tasks[i].Value = tasks[i].MaxValue;
                    tasks[i].StopTask();
                    overall?.Increment(1);
                }
            });
        return results;
    }

    /// <summary>One line summarising an epoch.</summary>
    public static string Describe(EpochRecord record, int epochs)
    {
        if (record.Validation.TaskMetrics.Count > 0) return DescribeTask(record, epochs);
        var modalities = string.Join(" ", record.Validation.ModalityAccuracy.Select(kv => $"{kv.Key} {ResultTable.Percent(kv.Value)}%"));
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch}/{epochs}  loss {record.TrainLoss:F3}  train acc {ResultTable.Percent(record.TrainAccuracy)}%  val acc {ResultTable.Percent(record.Validation.Accuracy)}% ({modalities})  {record.TrainSeconds:F1} s");
    }

    /// <summary>An epoch of a multi-label or regression task: the validation main metric by name, no training accuracy.</summary>
    private static string DescribeTask(EpochRecord record, int epochs)
    {
        EvaluationResult validation = record.Validation;
        var modalities = string.Join(" ", validation.ModalityAccuracy.Select(kv => $"{kv.Key} {ResultTable.Number(kv.Value)}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch}/{epochs}  loss {record.TrainLoss:F3}  val {validation.MainMetric} {ResultTable.Number(validation.Accuracy)} ({modalities})  val loss {validation.Loss:F3}  {record.TrainSeconds:F1} s");
    }

    private sealed class LogObserver(string label) : ITrainingObserver
    {
        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
        }

        public void OnEpochEnd(EpochRecord record, int epochs) => AnsiConsole.Console.Profile.Out.Writer.WriteLine($"[{label}] {Describe(record, epochs)}");

        public void OnWarning(string message) => AnsiConsole.Console.Profile.Out.Writer.WriteLine($"[{label}] warning: {message}");

        public void OnProgress(string message) => AnsiConsole.Console.Profile.Out.Writer.WriteLine($"[{label}] {message}");
    }

    private sealed class ProgressObserver(ProgressTask task, string label) : ITrainingObserver
    {
        public void OnStep(int epoch, int epochs, int step, int stepsPerEpoch, double loss)
        {
            task.MaxValue = (double)epochs * stepsPerEpoch;
            task.Value = epoch * stepsPerEpoch + step + 1;
        }

        public void OnEpochEnd(EpochRecord record, int epochs)
        {
            EvaluationResult validation = record.Validation;
            string score = validation.MainMetric == "accuracy" ? $"val acc {ResultTable.Percent(validation.Accuracy)}%" : $"val {validation.MainMetric} {ResultTable.Number(validation.Accuracy)}";
            task.Description = Markup.Escape($"{label}  epoch {record.Epoch}/{epochs}  {score}");
        }

        public void OnWarning(string message) => AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

        public void OnProgress(string message) => task.Description = Markup.Escape($"{label}  {message}");
    }
}
