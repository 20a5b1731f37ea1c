using Equimodal.Data.Datasets;
using Equimodal.Reporting;
using Spectre.Console;

namespace Equimodal.Cli.Display;

/// <summary>Prints a <see cref="ResultTable"/> as a console table (Markdown when output is not a terminal).</summary>
public static class ResultConsole
{
    /// <summary>Writes what loading a dataset left out (skipped samples with their reasons, notices), in yellow.</summary>
    public static void WriteLoadReport(LoadReport report)
    {
        foreach (string line in report.Lines()) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
    }

    /// <summary>Writes the table.</summary>
    public static void Write(ResultTable table)
    {
        if (!TrainingDisplay.Interactive)
        {
            AnsiConsole.Console.Profile.Out.Writer.Write(table.ToMarkdown());
            return;
        }
        var console = new Table().RoundedBorder();
        for (int i = 0; i < table.Columns.Count; i++)
        {
            var column = new TableColumn(Markup.Escape(table.Columns[i]));
            console.AddColumn(i == 0 ? column : column.RightAligned());
        }
        foreach (var row in table.Rows) console.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(console);
    }
}
