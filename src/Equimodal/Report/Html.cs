using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Equimodal.Data;
using Equimodal.Reporting;

namespace Equimodal.Report;

/// <summary>
/// The pieces every report page is built from: one self-contained HTML file (styles and the small sorting script inline,
/// images as data URIs, no request to any server), readable without JavaScript, fitting a phone and a laptop, printable.
/// </summary>
public static class Html
{
    /// <summary>File name of a report, in a run folder or a comparison folder.</summary>
    public const string ReportFile = "report.html";

    /// <summary>Text escaped for HTML content and attribute values.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A number with <paramref name="decimals"/> decimals, invariant culture; "-" when not finite.</summary>
    public static string Number(double value, int decimals = 1) =>
        double.IsFinite(value) ? value.ToString("F" + decimals, CultureInfo.InvariantCulture) : "-";

    /// <summary>Points with an explicit sign ("+1.8", "-0.4", "0.0").</summary>
    public static string Signed(double points) =>
        double.IsFinite(points) ? points.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) : "-";

    /// <summary>"[+1.3, +2.3]", or "no interval" when undefined.</summary>
    public static string Interval(double low, double high) => double.IsNaN(low) ? "no interval" : $"[{Signed(low)}, {Signed(high)}]";

    /// <summary>A PNG file as an &lt;img&gt; with its bytes inline.</summary>
    public static string Image(string pngFile, string alt) =>
        $"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(pngFile))}\" alt=\"{Escape(alt)}\">";

    /// <summary>A page: <paramref name="title"/> as heading and tab title, then <paramref name="body"/>.</summary>
    public static string Page(string title, string body) =>
        $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
        <title>{Escape(title)}</title>
        <style>{Style}</style>
        </head>
        <body>
        <main>
        <h1>{Escape(title)}</h1>
        {body}
        <footer>Written by Equimodal {Escape(ReproducibilityInfo.CurrentVersion)}. Self-contained: no network access is needed to read it.</footer>
        </main>
        <script>{Script}</script>
        </body>
        </html>

        """;

    /// <summary>A section with a heading and an id to link to.</summary>
    public static string Section(string id, string heading, string content) =>
        $"<section id=\"{id}\">\n<h2>{Escape(heading)}</h2>\n{content}\n</section>\n";

    /// <summary>
    /// A table that scrolls sideways on narrow screens. Cells are HTML (escape text first; a cell that is already a &lt;td&gt; or &lt;th&gt; is kept as it is); a header cell's
    /// <c>data-sort</c> and a body cell's <c>data-value</c> (a number) let the script sort by that column.
    /// </summary>
    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string caption, bool sortable = false)
    {
        var html = new StringBuilder();
        html.Append("<div class=\"scroll\"><table").Append(sortable ? " class=\"sortable\"" : "").Append(">\n<caption>").Append(Escape(caption)).Append("</caption>\n<thead><tr>");
        foreach (string header in headers) html.Append("<th scope=\"col\">").Append(Escape(header)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (IReadOnlyList<string> row in rows)
        {
            html.Append("<tr>");
            for (int i = 0; i < row.Count; i++) html.Append(row[i].StartsWith("<t", StringComparison.Ordinal) ? row[i] : i == 0 ? $"<th scope=\"row\">{row[i]}</th>" : $"<td>{row[i]}</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</tbody></table></div>\n").ToString();
    }

    /// <summary>A numeric cell: <paramref name="text"/> shown, <paramref name="value"/> sorted by, <paramref name="title"/> on hover.</summary>
    public static string Cell(string text, double value, string? title = null, bool best = false)
    {
        string sort = double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
        string hover = title is null ? "" : $" title=\"{Escape(title)}\"";
        string content = best ? $"<strong>{Escape(text)}</strong><span class=\"best\" aria-label=\"best\"> ◆</span>" : Escape(text);
        return $"<td class=\"num\" data-value=\"{sort}\"{hover}>{content}</td>";
    }

    /// <summary>A folded table of settings: one row per leaf of <paramref name="value"/> serialized as JSON ("training.epochs: 10").</summary>
    public static string Settings<T>(T value, string caption, params string[] leaveOut)
    {
        using JsonDocument document = JsonDocument.Parse(JsonSerializer.Serialize(value, Json.Indented));
        var rows = new List<IReadOnlyList<string>>();
        void Walk(JsonElement element, string path)
        {
            if (leaveOut.Contains(path)) return;
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (JsonProperty property in element.EnumerateObject()) Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}");
                    break;
                case JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)):
                    rows.Add(new[] { Escape(path), Escape(string.Join(", ", element.EnumerateArray().Select(e => e.ToString()))) });
                    break;
                case JsonValueKind.Array:
                    int i = 0;
                    foreach (JsonElement item in element.EnumerateArray()) Walk(item, $"{path}[{i++}]");
                    break;
                default:
                    rows.Add(new[] { Escape(path), Escape(element.ToString()) });
                    break;
            }
        }
        Walk(document.RootElement, "");
        // Folded: dozens of rows a reader opens when needed (printing opens them).
        return $"<details><summary>{Escape(caption)} ({rows.Count} settings)</summary>\n{Table(new[] { "setting", "value" }, rows, caption)}</details>\n";
    }

    // Okabe-Ito blue for links and marks; tables scroll inside their box so the page never scrolls sideways.
    private const string Style = """
        :root { --accent: #0072B2; --muted: #555; --rule: #ccc; --band: #f4f6f8; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111; background: #fff; }
        main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; }
        h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--rule); }
        a { color: var(--accent); }
        p.note, figcaption, footer, caption { color: var(--muted); font-size: 0.9rem; }
        caption { text-align: left; padding: 0.25rem 0; max-width: calc(100vw - 2rem); }
        tbody th { white-space: nowrap; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
        th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
        td.num { text-align: right; white-space: nowrap; }
        thead th { background: var(--band); position: sticky; top: 0; }
        table.sortable thead th { cursor: pointer; }
        table.sortable thead th[aria-sort]::after { content: attr(data-arrow); }
        .best { color: var(--accent); }
        pre { background: var(--band); padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
        td { overflow-wrap: anywhere; }
        figure { margin: 1rem 0; break-inside: avoid; }
        figure svg, figure img { width: 100%; height: auto; max-width: 900px; display: block; }
        ul.legend { list-style: none; padding: 0; margin: 0.25rem 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-size: 0.9rem; }
        ul.legend svg { width: 28px; height: 10px; display: inline; vertical-align: middle; }
        .reading li { margin-bottom: 0.3rem; }
        details { margin: 0.5rem 0; }
        summary { cursor: pointer; color: var(--accent); }
        @media (max-width: 600px) { body { font-size: 15px; } main { padding: 0.5rem; } th, td { padding: 0.2rem 0.35rem; } }
        @page { size: A4 landscape; margin: 10mm; }
        @media print {
          body { font-size: 10pt; } main { max-width: none; padding: 0; } a { color: #000; }
          summary { display: none; } .scroll { overflow: visible; }
          table { font-size: 7pt; } th, td { padding: 1px 3px; overflow-wrap: anywhere; } td.num { white-space: normal; }
          figure, tr { break-inside: avoid; } h2 { break-after: avoid; } thead th { position: static; }
        }
        """;

    // Sorting by a header click and opening every <details> for printing; the page reads fully without it.
    private const string Script = """
        document.querySelectorAll('table.sortable').forEach(function (table) {
          table.querySelectorAll('thead th').forEach(function (header, column) {
            header.tabIndex = 0;
            header.title = 'Sort by this column';
            function sort() {
              var ascending = header.getAttribute('aria-sort') !== 'ascending';
              table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('aria-sort'); });
              header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
              header.setAttribute('data-arrow', ascending ? ' \u25B2' : ' \u25BC');
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = a.cells[column], y = b.cells[column];
                var u = x.getAttribute('data-value'), v = y.getAttribute('data-value');
                var c = (u !== null && v !== null && u !== '' && v !== '') ? parseFloat(u) - parseFloat(v) : x.textContent.localeCompare(y.textContent);
                return ascending ? c : -c;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            }
            header.addEventListener('click', sort);
            header.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
          });
        });
        window.addEventListener('beforeprint', function () { document.querySelectorAll('details').forEach(function (d) { d.open = true; }); });
        """;
}
