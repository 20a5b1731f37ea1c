using System.Text.Json;
using Equimodal.Data.Images;

namespace Equimodal.Data.Datasets;

/// <summary>
/// The generic <c>folder</c> dataset: a manifest (<c>manifest.csv</c> with a header row, or <c>manifest.jsonl</c> with one
/// JSON object per line) of <c>id,split</c>, the label columns (<see cref="ManifestLabels"/>: <c>label</c>, <c>labels</c>,
/// <c>target</c> or <c>target:NAME</c>) plus one column per modality naming, relative to the manifest, a WAV file
/// (spectrogram), a frame folder or image (video) or a <c>.npy</c> or <c>.safetensors</c> vector. The first row decides each modality's kind.
/// Classes (and multi-label labels) are the sorted labels, or the lines of <c>classes.txt</c> beside the manifest when it exists.
/// </summary>
public static class ManifestDataset
{
    private static readonly string[] Required = { "id", "split" };

    /// <summary>Loads the manifest at <paramref name="path"/> (the file, or a folder holding manifest.csv or manifest.jsonl).</summary>
    public static DatasetSplits Load(string path, DataLoadingOptions options)
    {
        string manifest = Locate(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        (IReadOnlyList<TableRow> rows, IReadOnlyList<string> columns) = manifest.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            ? ReadJsonLines(manifest)
            : ReadCsv(manifest);
        string[] modalities = columns.Where(c => !ManifestLabels.IsLabelColumn(c)).ToArray();
        ManifestLabels labels = ManifestLabels.Resolve(columns, options.Task.Kind, manifest);
        if (modalities.Length == 0) throw new DataFileException(manifest, "no modality columns besides id, split and the label columns", 1);
        if (rows.Count == 0) throw new DataFileException(manifest, "the manifest lists no samples");
        string classFile = Path.Combine(folder, "classes.txt");
        IReadOnlyList<string> outputs = labels.OutputNames(rows, File.Exists(classFile) ? ReadClasses(classFile) : null);
        var entries = rows.Select(r => new ClipEntry(r["id"], labels.LabelText(r), r["split"],
            modalities.Select(m => Path.Combine(folder, r[m])).ToArray(), manifest, r.Line, labels.Values(r, outputs, manifest))).ToArray();
        var notices = new List<string>();
        IModalityReader[] readers = modalities.Select((m, i) => ReaderFor(m, entries.Select(e => e.Paths[i]).ToArray(), options, notices)).ToArray();
        return ClipDatasetBuilder.Build(entries, outputs, readers, options, notices, labels.Task);
    }

    private static string Locate(string path)
    {
        if (File.Exists(path)) return path;
        foreach (string name in new[] { "manifest.csv", "manifest.jsonl" })
            if (File.Exists(Path.Combine(path, name))) return Path.Combine(path, name);
        throw new DataFileException(path, "no manifest.csv or manifest.jsonl found");
    }

    private static string[] ReadClasses(string classFile)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] all = File.ReadAllLines(classFile);
        for (int i = 0; i < all.Length; i++)
        {
            string name = all[i].Trim();
            if (name.Length > 0 && !lines.TryAdd(name, i + 1))
                throw new DataFileException(classFile, $"class '{name}' is listed twice (first on line {lines[name]})", i + 1);
        }
        return lines.Keys.ToArray();
    }

    /// <summary>The reader of one modality column, its kind told by the first row (a vector's length by the first file that reads, in skip mode).</summary>
    private static IModalityReader ReaderFor(string name, IReadOnlyList<string> paths, DataLoadingOptions options, List<string> notices)
    {
        string firstPath = paths[0];
        string extension = Path.GetExtension(firstPath).ToLowerInvariant();
        if (extension == ".wav") return new SpectrogramReader(name, options.Spectrogram ?? new Audio.SpectrogramSettings());
        if (VectorFileReader.IsVectorFile(firstPath)) return new VectorFileReader(name, VectorLength(paths, options));
        if (Directory.Exists(firstPath) || ImageReader.IsImage(firstPath))
        {
            (ImageSettings image, string? notice) = ImageShapeDetector.Resolve(name, options.Image, options.DetectImage, firstPath);
            if (notice is not null) notices.Add(notice);
            return new FrameClipReader(name, image);
        }
        throw new DataFileException(firstPath, $"cannot tell the kind of modality '{name}' (expected a .wav, .npy, .safetensors, image or frame folder)");
    }

    private static int VectorLength(IReadOnlyList<string> paths, DataLoadingOptions options)
    {
        foreach (string path in paths)
        {
            try
            {
                return VectorFileReader.ReadVector(path).Length;
            }
            catch (DataFileException) when (options.OnBadSample == BadSampleMode.Skip)
            {
                // The build step reports this sample as skipped; the length comes from the next file that reads.
            }
        }
        return VectorFileReader.ReadVector(paths[^1]).Length;
    }

    private static (IReadOnlyList<TableRow>, IReadOnlyList<string>) ReadCsv(string manifest)
    {
        IReadOnlyList<TableRow> rows = CsvTable.Read(manifest, Required);
        string header = File.ReadLines(manifest).First(l => l.Trim().Length > 0);
        string[] columns = CsvTable.Split(header).Where(c => !Required.Contains(c)).ToArray();
        return (rows, columns);
    }

    private static (IReadOnlyList<TableRow>, IReadOnlyList<string>) ReadJsonLines(string manifest)
    {
        var rows = new List<TableRow>();
        string[] lines = File.ReadAllLines(manifest);
        string[]? modalities = null;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            Dictionary<string, JsonElement> values;
            try
            {
                values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(lines[i]) ?? new();
            }
            catch (JsonException e)
            {
                throw new DataFileException(manifest, $"not a JSON object ({e.Message})", i + 1);
            }
            modalities ??= values.Keys.Where(k => !Required.Contains(k)).ToArray();
            string[] missing = Required.Concat(modalities).Where(c => !values.ContainsKey(c)).ToArray();
            if (missing.Length > 0) throw new DataFileException(manifest, $"missing column(s) {string.Join(", ", missing)}", i + 1);
            string[] empty = Required.Concat(modalities).Where(c => values[c].ValueKind == JsonValueKind.Null).ToArray();
            if (empty.Length > 0) throw new DataFileException(manifest, $"{string.Join(", ", empty)} is null; every column needs a value", i + 1);
            rows.Add(new TableRow(i + 1, values.ToDictionary(p => p.Key, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())));
        }
        return (rows, modalities ?? Array.Empty<string>());
    }
}
