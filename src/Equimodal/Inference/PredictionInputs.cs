using System.Text.Json;
using Equimodal.Data;
using Equimodal.Data.Datasets;

namespace Equimodal.Inference;

/// <summary>
/// Finds the samples to predict in a path: a manifest (manifest.csv with a header row, or manifest.jsonl) with an id
/// column and one column per modality of the model (paths relative to the manifest; an empty cell is a missing
/// modality; label and split columns are ignored), or a folder in the cremad / prepare layout (AudioWAV/{id}.wav and
/// Image-01-FPS/{id}/, a sample lacking one of them predicted from the other).
/// </summary>
public static class PredictionInputs
{
    /// <summary>The samples under <paramref name="path"/> for a model reading <paramref name="modalities"/>.</summary>
    public static IReadOnlyList<PredictionSample> Read(string path, IReadOnlyList<string> modalities)
    {
        if (File.Exists(path) && !(path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)))
        {
            throw new DataFileException(path, "is not a manifest: --data takes a .csv or .jsonl manifest (an id column and one column per modality, "
                + $"paths relative to it) or a folder. For single files, write a manifest, e.g. id,{string.Join(",", modalities)}");
        }
        string? manifest = File.Exists(path) ? path
            : new[] { "manifest.csv", "manifest.jsonl" }.Select(n => Path.Combine(path, n)).FirstOrDefault(File.Exists);
        if (manifest is not null) return FromManifest(manifest, modalities);
        if (Directory.Exists(Path.Combine(path, CremaDDataset.AudioFolder)) || Directory.Exists(Path.Combine(path, CremaDDataset.FramesFolder)))
            return FromClipFolders(path, modalities);
        throw new DataFileException(path, $"no manifest.csv, manifest.jsonl, {CremaDDataset.AudioFolder}/ or {CremaDDataset.FramesFolder}/ found");
    }

    private static IReadOnlyList<PredictionSample> FromManifest(string manifest, IReadOnlyList<string> modalities)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        IEnumerable<IReadOnlyDictionary<string, string>> rows = manifest.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            ? File.ReadLines(manifest).Where(l => l.Trim().Length > 0).Select(JsonRow)
            : CsvTable.Read(manifest, new[] { "id" }).Select(r => r.Values);
        var samples = rows.Select(row => new PredictionSample(row["id"], modalities.ToDictionary(m => m, m =>
            row.TryGetValue(m, out string? value) && value.Length > 0 ? Path.Combine(folder, value) : null))).ToArray();
        if (samples.Length > 0 && !modalities.Any(m => samples.Any(s => s.Paths[m] is not null)))
            throw new DataFileException(manifest, $"no column names a modality of the model ({string.Join(", ", modalities)})");
        string[] repeated = samples.GroupBy(s => s.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (repeated.Length > 0)
            throw new DataFileException(manifest, $"ids must be unique, so that each output row names one sample; repeated: {string.Join(", ", repeated.Take(5))}{(repeated.Length > 5 ? $" and {repeated.Length - 5} more" : "")}");
        // An empty cell marks a missing modality; a path that does not exist is a mistake, not a missing modality.
        var absent = samples.SelectMany(s => s.Paths.Where(p => p.Value is not null && !File.Exists(p.Value) && !Directory.Exists(p.Value)).Select(p => $"{s.Id} {p.Key}: {p.Value}")).ToArray();
        if (absent.Length > 0)
        {
            throw new DataFileException(manifest, $"{absent.Length} path(s) do not exist ({string.Join("; ", absent.Take(3))}{(absent.Length > 3 ? "; ..." : "")}). "
                + "Fix the paths, or leave the cell empty to predict the sample without that modality");
        }
        return samples;
    }

    private static IReadOnlyDictionary<string, string> JsonRow(string line)
    {
        Dictionary<string, JsonElement> values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line) ?? new();
        return values.ToDictionary(p => p.Key, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }

    private static IReadOnlyList<PredictionSample> FromClipFolders(string root, IReadOnlyList<string> modalities)
    {
        string audio = Path.Combine(root, CremaDDataset.AudioFolder), frames = Path.Combine(root, CremaDDataset.FramesFolder);
        IEnumerable<string> audioIds = Directory.Exists(audio) ? Directory.EnumerateFiles(audio, "*.wav").Select(f => Path.GetFileNameWithoutExtension(f)) : Array.Empty<string>();
        IEnumerable<string> frameIds = Directory.Exists(frames) ? Directory.EnumerateDirectories(frames).Select(d => Path.GetFileName(d)) : Array.Empty<string>();
        return audioIds.Union(frameIds).Order(StringComparer.Ordinal).Select(id => new PredictionSample(id, modalities.ToDictionary(m => m, m => m switch
        {
            "audio" => Path.Combine(audio, id + ".wav"),
            "visual" => Path.Combine(frames, id),
            _ => (string?)null,
        }))).ToArray();
    }
}
