using System.Buffers.Binary;
using System.Text;
using Equimodal.Evaluation;
using Equimodal.Experiments;
using Equimodal.Models;
using Equimodal.Reporting.TensorBoard;
using Equimodal.Tests.Data;
using Equimodal.Tests.Training;
using Equimodal.Training;

namespace Equimodal.Tests.Reporting;

public class TensorBoardTests
{
    private static EpochRecord Record(int epoch) => new()
    {
        Epoch = epoch,
        TrainLoss = 1.0 / epoch,
        TrainAccuracy = 0.5 + epoch / 100.0,
        LearningRate = 0.01,
        Validation = new EvaluationResult
        {
            Accuracy = 0.25 * epoch, MeanAveragePrecision = 0.7, MacroF1 = 0.6,
            ModalityAccuracy = new Dictionary<string, double> { ["audio"] = 0.4, ["visual"] = 0.9 },
            AttributionShares = new Dictionary<string, double> { ["audio"] = 0.3, ["visual"] = 0.7 },
        },
        MethodMetrics = new Dictionary<string, double> { ["coefficient/audio"] = 0.125 * epoch },
    };

    private static IReadOnlyList<TensorBoardEvent> OnlyFile(string folder) => EventFile.Read(Assert.Single(EventFile.In(folder)));

    private static float Scalar(TensorBoardEvent e, string tag) => Assert.Single(e.Scalars, s => s.Key == tag).Value;

    [Fact]
    public void Crc32c_matches_the_published_check_value_and_tfrecord_masking()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute(ReadOnlySpan<byte>.Empty));
        uint crc = Crc32C.Compute(Encoding.ASCII.GetBytes("123456789"));
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xA282EAD8u, Crc32C.Masked(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void An_event_encodes_to_the_protobuf_bytes_worked_out_by_hand()
    {
        var e = new TensorBoardEvent { WallTime = 1.5, Step = 300, Scalars = new KeyValuePair<string, float>[] { new("a", 2f) } };
        byte[] expected =
        {
            0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, // wall_time = 1.5 (double, field 1)
            0x10, 0xAC, 0x02,                  // step = 300 (varint, field 2)
            0x2A, 0x0A,                        // summary (field 5), 10 bytes
            0x0A, 0x08,                        //   value (field 1), 8 bytes
            0x0A, 0x01, (byte)'a',             //     tag = "a"
            0x15, 0, 0, 0, 0x40,               //     simple_value = 2f (fixed32, field 2)
        };
        Assert.Equal(expected, e.Encode());
        TensorBoardEvent decoded = TensorBoardEvent.Decode(expected);
        Assert.Equal((1.5, 300L, 2f), (decoded.WallTime, decoded.Step, Scalar(decoded, "a")));
    }

    [Fact]
    public void TorchSharps_own_protobuf_classes_read_the_events_the_same()
    {
        var e = new TensorBoardEvent { WallTime = 1234.5, Step = 7, Scalars = TensorBoardObserver.Scalars(Record(3)) };
        Tensorboard.Event parsed = Tensorboard.Event.Parser.ParseFrom(e.Encode());
        Assert.Equal((1234.5, 7L), (parsed.WallTime, parsed.Step));
        Assert.Equal(e.Scalars.Select(s => s.Key), parsed.Summary.Value.Select(v => v.Tag));
        Assert.Equal(e.Scalars.Select(s => s.Value), parsed.Summary.Value.Select(v => v.SimpleValue));
    }

    [Fact]
    public void Records_are_framed_with_length_and_masked_checksums_and_a_torn_end_is_ignored()
    {
        string folder = TestData.TempFolder();
        var observer = new TensorBoardObserver(folder);
        observer.OnEpochEnd(Record(1), epochs: 2);
        string path = Assert.Single(EventFile.In(folder));
        byte[] file = File.ReadAllBytes(path);

        // Walk the framing by hand: header event, then the epoch's event.
        int position = 0, records = 0;
        while (position < file.Length)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(position));
            Assert.Equal(Crc32C.Masked(file.AsSpan(position, 8)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 8)));
            Assert.Equal(Crc32C.Masked(file.AsSpan(position + 12, (int)length)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 12 + (int)length)));
            position += 16 + (int)length;
            records++;
        }
        Assert.Equal(file.Length, position);
        Assert.Equal(2, records);
        IReadOnlyList<TensorBoardEvent> events = EventFile.Read(path);
        Assert.Equal(EventFile.Version, events[0].FileVersion);
        Assert.Equal(1, events[1].Step);

        File.WriteAllBytes(path, file[..^5]);
        Assert.Single(EventFile.Read(path));
        file[20] ^= 1; // inside the header event's data
        File.WriteAllBytes(path, file);
        Assert.Throws<InvalidDataException>(() => EventFile.Read(path));
    }

    [Fact]
    public void Every_metric_of_an_epoch_becomes_a_scalar_with_its_value()
    {
        string folder = TestData.TempFolder();
        var observer = new TensorBoardObserver(folder);
        observer.OnEpochEnd(Record(2), epochs: 2);
        TensorBoardEvent epoch = OnlyFile(folder)[1];
        Assert.Equal(2, epoch.Step);
        Assert.Equal(0.5f, Scalar(epoch, "train/loss"));
        Assert.Equal(0.52f, Scalar(epoch, "train/accuracy"));
        Assert.Equal(0.01f, Scalar(epoch, "train/learning_rate"));
        Assert.Equal(0.5f, Scalar(epoch, "validation/accuracy"));
        Assert.Equal(0.7f, Scalar(epoch, "validation/mAP"));
        Assert.Equal(0.6f, Scalar(epoch, "validation/macro_F1"));
        Assert.Equal(0.4f, Scalar(epoch, "modality_accuracy/audio"));
        Assert.Equal(0.9f, Scalar(epoch, "modality_accuracy/visual"));
        Assert.Equal(0.7f, Scalar(epoch, "attribution_share/visual"));
        Assert.Equal(0.25f, Scalar(epoch, "method/coefficient/audio"));
    }

    [Fact]
    public void Restart_keeps_logged_epochs_with_their_times_drops_later_ones_and_continues_without_gaps()
    {
        string folder = TestData.TempFolder();
        var time = DateTimeOffset.FromUnixTimeSeconds(1_000);
        var first = new TensorBoardObserver(folder, () => time = time.AddSeconds(10));
        first.Restart(Array.Empty<EpochRecord>());
        for (int epoch = 1; epoch <= 3; epoch++) first.OnEpochEnd(Record(epoch), epochs: 5);

        // A resume from the end of epoch 2 (epoch 3 was logged, but its checkpoint was lost) and a missing epoch-1 event.
        var resumed = new TensorBoardObserver(folder, () => time = time.AddSeconds(10));
        resumed.Restart(new[] { Record(1), Record(2) });
        for (int epoch = 3; epoch <= 5; epoch++) resumed.OnEpochEnd(Record(epoch), epochs: 5);

        IReadOnlyList<TensorBoardEvent> events = OnlyFile(folder);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, events.Select(e => e.Step));
        Assert.Equal(new[] { 1020.0, 1030.0 }, events.Skip(1).Take(2).Select(e => e.WallTime)); // epochs 1 and 2 as first logged
        Assert.Equal(Enumerable.Range(1, 5).Select(e => 0.25f * e), events.Skip(1).Select(e => Scalar(e, "validation/accuracy")));
    }

    private static readonly RunConfig Config = new()
    {
        Method = "joint",
        Model = new ModelOptions { MlpHidden = 16 },
        Training = new TrainingOptions { Epochs = 3, BatchSize = 16, Threads = 1, Device = "cpu", Seed = 5, CheckpointEverySteps = 5 },
    };

    private static Dictionary<long, Dictionary<string, float>> ScalarsByStep(string folder) => OnlyFile(folder)
        .Where(e => e.Scalars.Count > 0)
        .ToDictionary(e => e.Step, e => e.Scalars.Where(s => s.Key != "train/seconds").ToDictionary(s => s.Key, s => s.Value));

    [Fact]
    public void A_run_folder_logs_every_epoch_and_a_resumed_run_continues_the_same_curves()
    {
        string whole = TestData.TempFolder(), interrupted = TestData.TempFolder();
        TrainingResult expected = Experiment.Run(Config, VectorData.Create(200), whole);
        // 13 steps per epoch: stopped in epoch 3 after its step checkpoint at step 30.
        Assert.Throws<OperationCanceledException>(() => Experiment.Run(Config, VectorData.Create(200), interrupted, new ResumeTests.StopAfter(32)));
        Assert.Equal(new long[] { 1, 2 }, ScalarsByStep(interrupted).Keys);
        Experiment.Resume(interrupted, VectorData.Create(200));

        var logged = ScalarsByStep(whole);
        Assert.Equal(new long[] { 1, 2, 3 }, logged.Keys);
        Assert.Equal(expected.History.Select(h => (float)h.Validation.Accuracy), logged.Values.Select(s => s["validation/accuracy"]));
        Assert.Equal(expected.History.Select(h => (float)h.TrainLoss), logged.Values.Select(s => s["train/loss"]));
        Assert.All(expected.Modalities, name => Assert.Contains($"modality_accuracy/{name}", logged[1].Keys));
        Assert.Equal(logged, ScalarsByStep(interrupted));
    }

    [Fact]
    public void Tensorboard_off_writes_no_event_file()
    {
        string folder = TestData.TempFolder();
        Experiment.Run(Config with { TensorBoard = false, Training = Config.Training with { Epochs = 1 } }, VectorData.Create(60), folder);
        Assert.Empty(EventFile.In(folder));
        Assert.True(File.Exists(Path.Combine(folder, RunFolder.MetricsFile)));
    }
}
