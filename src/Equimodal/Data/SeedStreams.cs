namespace Equimodal.Data;

/// <summary>
/// Every seed the library derives, one named stream each. Most come from one formula: seed * 1000003 + a * 7919 +
/// b * 104729 + salt (wrapping 32-bit arithmetic), the salt telling the streams apart; the data streams keep the simpler
/// formulas they were measured with (the data seed itself, or plus a small offset). A fixed formula, never HashCode
/// (randomized per process), so runs repeat across processes and machines. The values are pinned by a test: changing
/// them would move every measured table.
/// </summary>
public static class SeedStreams
{
    /// <summary>The sample order of an epoch.</summary>
    public static int EpochOrder(int seed, int epoch) => Derive(seed, epoch, 0, 17);

    /// <summary>The augmentation seed of a training batch.</summary>
    public static int BatchAugmentation(int seed, int epoch, int batch) => Derive(seed, epoch, batch, 23);

    /// <summary>The generator of one sample of an augmented batch, from the batch's seed and the sample's position in the (global) batch.</summary>
    public static int SampleAugmentation(int batchSeed, int position) => Derive(batchSeed, position, 0, 31);

    /// <summary>The order in which valuation spreads its re-sampled copies over an epoch.</summary>
    public static int ValuationSchedule(int seed, int epoch) => Derive(seed, epoch, 0, 41);

    /// <summary>The augmentation of valuation's re-sampled copies at a step.</summary>
    public static int ValuationCopies(int seed, long globalStep) => Derive(seed, 0, (int)globalStep, 59);

    /// <summary>AV-Digits: the noise added to clip number <paramref name="clip"/> (the clip number is the salt of this older stream).</summary>
    public static int AudioNoise(int dataSeed, int clip) => Derive(dataSeed, 0, 0, clip);

    /// <summary>AV-Digits: which image patches are hidden (an older stream without the seed multiplier).</summary>
    public static int ImageOcclusion(int seed) => unchecked(seed * 7919 + 1);

    /// <summary>Test-time corruptions: the noise and places of the batch starting at sample <paramref name="offset"/> (64-bit, not wrapped).</summary>
    public static long TestCorruption(int seed, int offset) => seed * 1_000_003L + offset;

    /// <summary>Gradient blending: which training samples are held out to measure overfitting (the run seed itself).</summary>
    public static int BlendingHoldOut(int seed) => seed;

    /// <summary>The synthetic benchmark: the generator of every sample (the data seed itself).</summary>
    public static int SyntheticSamples(int dataSeed) => dataSeed;

    /// <summary>The synthetic benchmark: which samples are test.</summary>
    public static int SyntheticTestSplit(int dataSeed) => unchecked(dataSeed + 1);

    /// <summary>The synthetic benchmark: which of the remaining samples are validation.</summary>
    public static int SyntheticValidationSplit(int dataSeed) => unchecked(dataSeed + 2);

    /// <summary>Datasets read from disk: which training samples are carved out as validation (the data seed itself).</summary>
    public static int ValidationSplit(int dataSeed) => dataSeed;

    /// <summary>AV-Digits: which MNIST image each recording is paired with (the data seed itself).</summary>
    public static int ImagePairing(int dataSeed) => dataSeed;

    /// <summary>AV-Digits pairs (sum, pair): the digit of each recording's image, drawn independently of the recording, and which image of that digit it gets.</summary>
    public static int PairedImageDraw(int dataSeed) => Derive(dataSeed, 0, 0, 67);

    /// <summary>Datasets read from disk: the generator handed to the readers when every file is checked at load time (the data seed itself).</summary>
    public static int LoadCheck(int dataSeed) => dataSeed;

    /// <summary>
    /// Prediction: the generator of a sample's recorded noise and occlusion, from its id (FNV-1a of its UTF-8 bytes), so a
    /// sample predicts the same in any batch and any order.
    /// </summary>
    public static int PredictedSample(string id)
    {
        uint hash = 2_166_136_261u;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(id)) hash = unchecked((hash ^ b) * 16_777_619u);
        return unchecked((int)hash);
    }

    private static int Derive(int seed, int a, int b, int salt) => unchecked(seed * 1_000_003 + a * 7919 + b * 104_729 + salt);
}
