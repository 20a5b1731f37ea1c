"""The default Equimodal model and its joint and attr-reg steps, written in plain PyTorch.

This is the PyTorch side of `Equimodal.Bench pytorch` (see bench/README.md). It mirrors, line for line:
  - src/Equimodal/Models: ResNet2d (torchvision names; "small" 3x3 stem or the ResNet-18 stem), SpectrogramEncoder,
    FrameEncoder (a 2D ResNet per frame, mean over frames), ConcatFusion (one linear layer on the concatenation;
    modality m's logits are its slice of the layer plus bias / M);
  - the step of src/Equimodal/Training/Trainer.cs: zero_grad, loss, loss.item(), backward, AdamW step, correct count;
  - "attr-reg" (src/Equimodal/Methods/AttributionRegularization/, default options): Gradient x Input of the largest
    fused logit at the embeddings (double backward), L2 pooling, shares, L1 distance to uniform targets, lambda 1,
    plus the unimodal term: 8 times the mean cross-entropy of the modalities' own logits (unimodal-weight=auto on
    classification);
  - evaluation (src/Equimodal/Evaluation/Evaluator.cs Collect): fused and modality logits without gradients, then the
    Gradient x Input share of the predicted class at the fusion input.

Usage (run with Debian's python3-torch, /usr/bin/python3):
  equimodal_torch.py check WEIGHTS.pt CHECK.pt    load an exported Equimodal run and assert equal logits
  equimodal_torch.py time [options]               print one JSON line: ms per step after warm-up, peak RSS
  equimodal_torch.py parts [--threads N]          the parts of a joint step, in wall and CPU time
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# BENCH_PYTORCH_MKLDNN=0 gives PyTorch the convolution kernels Equimodal uses where it switches oneDNN off (AMD Zen 5,
# see bench/README.md), so the two sides can also be compared kernel for kernel.
if os.environ.get("BENCH_PYTORCH_MKLDNN") == "0":
    torch.backends.mkldnn.enabled = False

EPSILON = 1e-12
# AttributionRegularizationOptions.AutoClassificationWeight: the unimodal term's weight on classification.
UNIMODAL_WEIGHT = 8.0


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class ResNet2d(nn.Module):
    def __init__(self, in_channels, width, blocks_per_stage, imagenet_stem):
        super().__init__()
        if imagenet_stem:
            self.conv1 = nn.Conv2d(in_channels, width, 7, stride=2, padding=3, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, width, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1) if imagenet_stem else None
        channels = width
        self.stages = []
        for stage, blocks in enumerate(blocks_per_stage):
            out_channels = width << stage
            layers = []
            for b in range(blocks):
                layers.append(BasicBlock(channels, out_channels, 2 if b == 0 and stage > 0 else 1))
                channels = out_channels
            setattr(self, f"layer{stage + 1}", nn.Sequential(*layers))
            self.stages.append(getattr(self, f"layer{stage + 1}"))
        self.output_features = channels

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.maxpool is not None:
            x = self.maxpool(x)
        for stage in self.stages:
            x = stage(x)
        return x.mean((2, 3))


class SpectrogramEncoder(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def forward(self, x):
        return self.backbone(x)


class FrameEncoder(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def forward(self, x):
        batch, frames = x.shape[0], x.shape[1]
        return self.backbone(x.flatten(0, 1)).view(batch, frames, -1).mean(1)


class ConcatFusion(nn.Module):
    def __init__(self, sizes, classes):
        super().__init__()
        self.sizes = sizes
        self.fc_out = nn.Linear(sum(sizes), classes)

    def forward(self, embeddings):
        return self.fc_out(torch.cat(embeddings, 1))

    def modality_logits(self, embeddings):
        result, offset = [], 0
        for m, e in enumerate(embeddings):
            weight = self.fc_out.weight.narrow(1, offset, self.sizes[m])
            result.append(F.linear(e, weight) + self.fc_out.bias / len(embeddings))
            offset += self.sizes[m]
        return result


class MultimodalClassifier(nn.Module):
    """Encoders in a ModuleDict named by modality, then the fusion head: the state_dict names equal Equimodal's."""

    def __init__(self, audio_channels, visual_channels, classes, encoder):
        super().__init__()

        def resnet(channels):
            if encoder == "resnet18":
                return ResNet2d(channels, 64, [2, 2, 2, 2], True)
            return ResNet2d(channels, 16, [1, 1, 1], False)

        audio, visual = resnet(audio_channels), resnet(visual_channels)
        self.encoders = nn.ModuleDict({"audio": SpectrogramEncoder(audio), "visual": FrameEncoder(visual)})
        self.fusion = ConcatFusion([audio.output_features, visual.output_features], classes)

    def encode(self, inputs):
        return [self.encoders["audio"](inputs[0]), self.encoders["visual"](inputs[1])]

    def forward(self, inputs):
        embeddings = self.encode(inputs)
        return self.fusion(embeddings), embeddings


def gradient_times_input_shares(model, embeddings, classes):
    """AttributionShares.Shares(GxI at the embeddings, L2): differentiable, as attr-reg uses it (classes None: largest logit)."""
    logits = model.fusion(embeddings)
    values = logits.max(1).values if classes is None else logits.gather(1, classes.unsqueeze(1)).squeeze(1)
    total = values.sum()
    for e in embeddings:
        total = total + e.sum() * 0
    gradients = torch.autograd.grad([total], embeddings, retain_graph=True, create_graph=True)
    contributions = torch.stack([((e * g).reshape(e.shape[0], -1).square().sum(1) + EPSILON).sqrt() for e, g in zip(embeddings, gradients)], 1)
    return contributions / contributions.sum(1, keepdim=True).clamp_min(EPSILON)


def joint_step(model, optimizer, inputs, labels):
    optimizer.zero_grad()
    logits, _ = model(inputs)
    loss = F.cross_entropy(logits, labels)
    value = loss.item()
    loss.backward()
    optimizer.step()
    return value, (logits.argmax(1) == labels).sum().item()


def attr_reg_step(model, optimizer, inputs, labels, targets):
    optimizer.zero_grad()
    logits, embeddings = model(inputs)
    cross_entropy = F.cross_entropy(logits, labels)
    # AttributeEmbeddings runs the fusion head in evaluation mode (no effect on a linear head, kept for equal work).
    model.eval()
    shares = gradient_times_input_shares(model, embeddings, None)
    model.train()
    penalty = (shares - targets.unsqueeze(0)).abs().sum(1).mean()
    loss = cross_entropy + 1.0 * penalty
    own = torch.stack([F.cross_entropy(z, labels) for z in model.fusion.modality_logits(embeddings)]).mean()
    loss = loss + UNIMODAL_WEIGHT * own
    batch_shares = shares.detach().mean(0).to(torch.float64).tolist()  # the method's epoch means
    penalty_value = penalty.item()
    value = loss.item()
    loss.backward()
    optimizer.step()
    return value, (logits.argmax(1) == labels).sum().item(), batch_shares, penalty_value


def evaluate_batch(model, inputs):
    with torch.no_grad():
        logits, embeddings = model(inputs)
        fused = logits.to(torch.float64).tolist()
        per_modality = [z.to(torch.float64).tolist() for z in model.fusion.modality_logits(embeddings)]
        with torch.enable_grad():
            tracked = [e.detach().requires_grad_(True) for e in embeddings]
            with torch.no_grad():
                classes = model.fusion(embeddings).argmax(1)
            classes.max().item()  # AttributionTarget.Select checks the largest class index
            logits_again = model.fusion(tracked)
            total = logits_again.gather(1, classes.unsqueeze(1)).squeeze(1).sum()
            for e in tracked:
                total = total + e.sum() * 0
            gradients = torch.autograd.grad([total], tracked)
            contributions = torch.stack([((e.detach() * g).reshape(e.shape[0], -1).square().sum(1) + EPSILON).sqrt() for e, g in zip(tracked, gradients)], 1)
            shares = (contributions / contributions.sum(1, keepdim=True).clamp_min(EPSILON)).sum(0).to(torch.float64).tolist()
    return fused, per_modality, shares


def peak_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def check(weights, check_file):
    state = torch.load(weights)
    data = torch.load(check_file)
    audio, visual, expected = data["audio"], data["visual"], data["logits"]
    model = MultimodalClassifier(audio.shape[1], visual.shape[2], expected.shape[1], "small")
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        logits, _ = model([audio, visual])
    difference = (logits - expected).abs().max().item()
    print(f"PyTorch logits of the exported Equimodal run: largest difference {difference:.2e} over {tuple(logits.shape)}")
    if not torch.allclose(logits, expected, rtol=1e-4, atol=1e-5):
        sys.exit("FAILED: the PyTorch model does not compute Equimodal's logits")
    print("OK: both sides run the same network")


def timed(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = MultimodalClassifier(1, 3, args.classes, args.encoder)
    steps = args.warmup + args.steps
    samples = max(args.samples, steps * args.batch)
    # In-memory data of the benchmark's shapes, batches gathered with index_select as Equimodal's TensorDataset does.
    audio = torch.randn(samples, 1, args.frequency, args.time)
    visual = torch.randn(samples, args.frames, 3, args.image, args.image)
    labels = torch.randint(0, args.classes, (samples,))
    targets = torch.tensor([0.5, 0.5])
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    order = torch.randperm(samples)
    times = []
    clock = time.perf_counter()
    cpu_after_warmup = time.process_time()
    for step in range(steps):
        index = order[step * args.batch:(step + 1) * args.batch]
        inputs = [audio.index_select(0, index), visual.index_select(0, index)]
        batch_labels = labels.index_select(0, index)
        if args.method == "joint":
            model.train()
            joint_step(model, optimizer, inputs, batch_labels)
        elif args.method == "attr-reg":
            model.train()
            attr_reg_step(model, optimizer, inputs, batch_labels, targets)
        else:
            model.eval()
            evaluate_batch(model, inputs)
        now = time.perf_counter()
        times.append(now - clock)
        clock = now
        if step == args.warmup - 1:
            cpu_after_warmup = time.process_time()
    measured = sorted(times[args.warmup:])
    middle = len(measured) // 2
    median = measured[middle] if len(measured) % 2 else (measured[middle - 1] + measured[middle]) / 2
    print(json.dumps({"side": "pytorch", "ms_per_step": 1000 * median, "ms_mean": 1000 * sum(measured) / len(measured),
                      "cpu_ms_per_step": 1000 * (time.process_time() - cpu_after_warmup) / len(measured), "steps": len(measured),
                      "peak_rss_mb": peak_rss_mb(), "torch": torch.__version__, "threads": torch.get_num_threads()}))


def parts(args):
    """The parts of a joint step on one fixed batch, in wall and CPU time (the counterpart of `Equimodal.Bench step-parts`)."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = MultimodalClassifier(1, 3, 6, "small")
    model.train()
    inputs = [torch.randn(args.batch, 1, 32, 32), torch.randn(args.batch, 3, 3, 24, 24)]
    labels = torch.randint(0, 6, (args.batch,))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    print(f"PyTorch {torch.__version__}, batch {args.batch}, {torch.get_num_threads()} thread(s), median of {args.repetitions} after 3 warm-up repetitions")
    print()
    print("| part | wall ms | CPU ms |")
    print("|---|---:|---:|")

    def loss():
        return F.cross_entropy(model(inputs)[0], labels)

    def bare():
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()

    def with_items():
        optimizer.zero_grad()
        logits, _ = model(inputs)
        value = F.cross_entropy(logits, labels)
        value.item()
        value.backward()
        optimizer.step()
        (logits.argmax(1) == labels).sum().item()

    features = torch.randn(args.batch, 16, 32, 32).requires_grad_(True)
    kernel = (torch.randn(16, 16, 3, 3) * 0.1).requires_grad_(True)
    scale, shift = torch.ones(16).requires_grad_(True), torch.zeros(16).requires_grad_(True)
    running_mean, running_variance = torch.zeros(16), torch.ones(16)
    parts_list = [("conv2d 3x3 16->16 on [batch,16,32,32]: forward", lambda: F.conv2d(features, kernel, padding=1)),
                  ("conv2d 3x3 16->16 on [batch,16,32,32]: forward + backward", lambda: F.conv2d(features, kernel, padding=1).sum().backward()),
                  ("batch_norm (training) on [batch,16,32,32]: forward + backward",
                   lambda: F.batch_norm(features, running_mean, running_variance, scale, shift, training=True).sum().backward()),
                  ("forward + cross-entropy", loss), ("forward + backward", lambda: loss().backward()),
                  ("zero_grad", optimizer.zero_grad), ("AdamW step", optimizer.step),
                  ("bare step: zero_grad, forward, backward, step", bare), ("bare step + loss.item() + correct.item()", with_items)]
    wall, cpu = [[] for _ in parts_list], [[] for _ in parts_list]
    for r in range(-3, args.repetitions):
        for p, (_, action) in enumerate(parts_list):
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            action()
            if r >= 0:
                wall[p].append(1000 * (time.perf_counter() - wall_start))
                cpu[p].append(1000 * (time.process_time() - cpu_start))
    for p, (name, _) in enumerate(parts_list):
        print(f"| {name} | {sorted(wall[p])[len(wall[p]) // 2]:.2f} | {sorted(cpu[p])[len(cpu[p]) // 2]:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check")
    check_parser.add_argument("weights")
    check_parser.add_argument("check_file")
    time_parser = commands.add_parser("time")
    time_parser.add_argument("--method", choices=["joint", "attr-reg", "evaluate"], default="joint")
    time_parser.add_argument("--encoder", choices=["small", "resnet18"], default="small")
    time_parser.add_argument("--threads", type=int, default=1)
    time_parser.add_argument("--batch", type=int, default=32)
    time_parser.add_argument("--steps", type=int, default=15)
    time_parser.add_argument("--warmup", type=int, default=3)
    time_parser.add_argument("--classes", type=int, default=6)
    time_parser.add_argument("--frequency", type=int, default=32)
    time_parser.add_argument("--time", type=int, default=32)
    time_parser.add_argument("--image", type=int, default=24)
    time_parser.add_argument("--frames", type=int, default=3)
    time_parser.add_argument("--samples", type=int, default=0, help="samples held in memory (at least the steps' batches)")
    time_parser.add_argument("--seed", type=int, default=1)
    parts_parser = commands.add_parser("parts")
    parts_parser.add_argument("--threads", type=int, default=1)
    parts_parser.add_argument("--batch", type=int, default=32)
    parts_parser.add_argument("--repetitions", type=int, default=20)
    args = parser.parse_args()
    if args.command == "parts":
        parts(args)
    elif args.command == "check":
        check(args.weights, args.check_file)
    else:
        timed(args)


if __name__ == "__main__":
    main()
