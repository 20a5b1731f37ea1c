using TorchSharp;
using TorchSharp.Modules;
using static Equimodal.Native.HeldScalars;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Equimodal.Models;

/// <summary>
/// A ResNet of basic blocks ending in global average pooling: [batch, channels, H, W] to [batch, features].
/// Parameter names follow torchvision's ResNet (conv1, bn1, layer1.0.conv1, ...) so PyTorch weights map onto it.
/// </summary>
public sealed class ResNet2d : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly HeldScalarBatchNorm2d bn1;
    private readonly Module<Tensor, Tensor>? maxpool;
    private readonly ModuleList<Sequential> layers;
    private bool _registered;

    /// <summary>Creates the network.</summary>
    /// <param name="inputChannels">Channels of the input image (1 for spectrograms, 3 for RGB frames).</param>
    /// <param name="width">Channels of the first stage; each later stage doubles them.</param>
    /// <param name="blocksPerStage">Number of basic blocks in each stage; its length is the number of stages.</param>
    /// <param name="imageNetStem">True for the 7x7 stride-2 stem with max pooling (ResNet-18), false for a 3x3 stride-1 stem (small inputs).</param>
    public ResNet2d(long inputChannels, long width, IReadOnlyList<int> blocksPerStage, bool imageNetStem) : base(nameof(ResNet2d))
    {
        if (blocksPerStage.Count == 0 || blocksPerStage.Any(b => b < 1)) throw new ArgumentException("Every stage needs at least one block.", nameof(blocksPerStage));
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), "Width must be positive.");
        conv1 = imageNetStem
            ? Conv2d(inputChannels, width, 7, stride: 2, padding: 3, bias: false)
            : Conv2d(inputChannels, width, 3, stride: 1, padding: 1, bias: false);
        bn1 = new HeldScalarBatchNorm2d(width);
        maxpool = imageNetStem ? MaxPool2d(3, stride: 2, padding: 1) : null;
        var stages = new List<Sequential>();
        long channels = width;
        for (int stage = 0; stage < blocksPerStage.Count; stage++)
        {
            long outChannels = width << stage;
            var blocks = new List<Module<Tensor, Tensor>>();
            for (int b = 0; b < blocksPerStage[stage]; b++)
            {
                blocks.Add(new BasicBlock(channels, outChannels, b == 0 && stage > 0 ? 2 : 1));
                channels = outChannels;
            }
            stages.Add(Sequential(blocks));
        }
        layers = new ModuleList<Sequential>(stages.ToArray());
        OutputFeatures = channels;
        RegisterComponents();
    }

    /// <summary>Width of the pooled output.</summary>
    public long OutputFeatures { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Pool(Features(input));

    /// <summary>The last stage's output [batch, channels, H', W'], before pooling.</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = functional.relu(bn1.forward(conv1.forward(input)));
        if (maxpool is not null) x = maxpool.forward(x);
        foreach (Sequential stage in layers) x = stage.forward(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Global average pooling [batch, channels, H, W] to [batch, channels].</summary>
    public static Tensor Pool(Tensor features) => features.mean(new long[] { 2, 3 });

    /// <summary>Names stages layer1, layer2, ... as torchvision does.</summary>
    protected override void RegisterComponents()
    {
        if (_registered) return;
        _registered = true;
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        for (int i = 0; i < layers.Count; i++) register_module($"layer{i + 1}", layers[i]);
    }

    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly HeldScalarBatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly HeldScalarBatchNorm2d bn2;
        private readonly Sequential? downsample;

        public BasicBlock(long inChannels, long outChannels, long stride) : base(nameof(BasicBlock))
        {
            conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            bn1 = new HeldScalarBatchNorm2d(outChannels);
            conv2 = Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
            bn2 = new HeldScalarBatchNorm2d(outChannels);
            if (stride != 1 || inChannels != outChannels)
                downsample = Sequential(Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), new HeldScalarBatchNorm2d(outChannels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor x = functional.relu(bn1.forward(conv1.forward(input)));
            x = bn2.forward(conv2.forward(x));
            Tensor shortcut = downsample is null ? input : downsample.forward(input);
            return functional.relu(x.add(shortcut, One)).MoveToOuterDisposeScope();
        }
    }
}
