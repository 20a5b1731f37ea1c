namespace Equimodal.Data.Datasets;

/// <summary>
/// Turns listed samples into train/validation/test splits: checks labels, ids and every file once (which also fills
/// the spectrogram cache), applies the bad-sample policy, and carves validation from train when none is listed.
/// </summary>
public static class ClipDatasetBuilder
{
    private static readonly string[] ValidationNames = { "validation", "val", "valid" };

    /// <summary>
    /// Builds the splits of <paramref name="task"/> (for other tasks than classification the entries carry their label
    /// values, named by <paramref name="classNames"/>); with <see cref="BadSampleMode.Fail"/> the first bad sample throws <see cref="DataFileException"/>.
    /// </summary>
    public static DatasetSplits Build(IReadOnlyList<ClipEntry> entries, IReadOnlyList<string> classNames, IReadOnlyList<IModalityReader> readers,
        DataLoadingOptions options, IReadOnlyList<string>? notices = null, Tasks.TaskKind task = Tasks.TaskKind.Classification)
    {
        bool classes = task == Tasks.TaskKind.Classification;
        var skipped = new List<SkippedSample>();
        var kept = new List<ClipEntry>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var checkRandom = new Random(SeedStreams.LoadCheck(options.DataSeed));
        foreach (ClipEntry entry in entries)
        {
            try
            {
                if (classes && !classNames.Contains(entry.Label))
                    throw new DataFileException(entry.Source, $"label '{entry.Label}' of '{entry.Id}' is not one of {string.Join(", ", classNames)}", entry.Line);
                if (!firstLine.TryAdd(entry.Id, entry.Line))
                    throw new DataFileException(entry.Source, $"duplicate id '{entry.Id}' (first listed on line {firstLine[entry.Id]})", entry.Line);
                SplitOf(entry);
                for (int m = 0; m < readers.Count; m++) readers[m].Read(entry.Paths[m], false, checkRandom);
                kept.Add(entry);
            }
            catch (DataFileException e) when (options.OnBadSample == BadSampleMode.Skip)
            {
                skipped.Add(new SkippedSample(entry.Id, e.Message));
            }
        }
        if (classes) RejectUntrainedLabels(kept);
        var dataset = new FileClipDataset(readers, classNames, kept, task);
        int[] train = Indices(kept, "train");
        int[] validation = Indices(kept, "validation");
        int[] test = Indices(kept, "test");
        string source = entries.Count > 0 ? entries[0].Source : "dataset";
        if (train.Length == 0) throw new DataFileException(source, "no usable training samples");
        if (test.Length == 0) throw new DataFileException(source, "no usable test samples");
        var trainSet = new DatasetSubset(dataset, train);
        IMultimodalDataset validationSet;
        IMultimodalDataset trainPart;
        if (validation.Length > 0)
        {
            (trainPart, validationSet) = (trainSet, new DatasetSubset(dataset, validation));
        }
        else
        {
            (trainPart, validationSet) = DatasetSubset.StratifiedSplit(trainSet, options.ValidationFraction, SeedStreams.ValidationSplit(options.DataSeed));
            // Model selection needs validation samples; a tiny training split can round to none per class.
            if (validationSet.Count == 0)
                throw new DataFileException(source, $"no validation samples: a validation fraction of {options.ValidationFraction} holds out none of the {train.Length} training samples; raise it (--validation-fraction) or mark rows as validation");
        }
        return new DatasetSplits(trainPart, validationSet, new DatasetSubset(dataset, test))
        {
            Report = new LoadReport { Skipped = skipped, Notices = notices ?? Array.Empty<string>() },
            Preprocessing = new DatasetPreprocessing(readers.Select(r => r.Preprocessing).ToArray()),
        };
    }

    /// <summary>A label seen in validation or test but never in train is a class the model cannot learn: an error naming the row.</summary>
    private static void RejectUntrainedLabels(IReadOnlyList<ClipEntry> kept)
    {
        var trained = kept.Where(e => SplitOf(e) == "train").Select(e => e.Label).ToHashSet(StringComparer.Ordinal);
        ClipEntry? untrained = kept.FirstOrDefault(e => !trained.Contains(e.Label));
        if (untrained is not null)
            throw new DataFileException(untrained.Source, $"label '{untrained.Label}' of '{untrained.Id}' ({SplitOf(untrained)} split) never occurs in the training split, so the model could never predict it; add training samples of it or remove its rows", untrained.Line);
    }

    private static int[] Indices(IReadOnlyList<ClipEntry> entries, string split) =>
        Enumerable.Range(0, entries.Count).Where(i => SplitOf(entries[i]) == split).ToArray();

    /// <summary>The canonical split name of <paramref name="entry"/>: train, validation or test.</summary>
    private static string SplitOf(ClipEntry entry)
    {
        string split = entry.Split.Trim().ToLowerInvariant();
        if (split is "train" or "test") return split;
        if (ValidationNames.Contains(split)) return "validation";
        throw new DataFileException(entry.Source, $"split '{entry.Split}' of '{entry.Id}' is not train, validation or test", entry.Line);
    }
}
