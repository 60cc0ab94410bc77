"""PyTorch reference for bench/training/architectures.ts: the SAME network as the tfjs model.

The network is not re-written by hand: it is built from the tfjs model's own topology
(`model.toJSON()`, the Keras layer configs) by the small interpreter below, and starts from the
tfjs model's initial weights (NHWC/HWIO -> NCHW/OIHW). Before any timing the benchmark sends one
batch and the tfjs logits (inference mode); this script answers with its own max abs difference and
parameter counts, and the benchmark refuses to time two different networks.

Files written by the benchmark in --dir:
  model.json    {"topology": <model.toJSON()>, "weights": [{"name", "shape"}...], "input": [h, w, c],
                 "pool": n, "check": n}
  weights.f32   the weights, float32, in that order, each in tfjs layout
  pool.u8       n training images, uint8 NHWC, then n labels as int32 (pool.labels.i32)
  check.f32     the check batch (float32 NHWC), then the tfjs logits in inference mode, then in
                training mode (batch-norm with batch statistics)

Commands on stdin, one JSON line answered for each (like small_cnn_torch.py):
  train K    train the next K batches (epochs over the pool roll over)
  summary    totals
  quit
Only training is timed (batch assembly from the uint8 pool included, like the tfjs side).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def same_padding(size, kernel, stride, dilation):
    """TensorFlow's 'same' padding of one spatial axis: (before, after); the odd pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


class Padded(nn.Module):
    """A conv or pool with TensorFlow padding. Symmetric padding goes to the op itself (no copy);
    asymmetric padding (stride 2 'same' on even sizes) is an explicit F.pad first, since PyTorch's
    own padding is symmetric and would shift every window by one pixel."""

    def __init__(self, op, padding, kernel, stride, dilation, in_hw, fill=0.0):
        super().__init__()
        self.op = op
        if padding == "valid":
            self.pad = None
            return
        (t, b), (l, r) = (same_padding(in_hw[i], kernel[i], stride[i], dilation[i]) for i in range(2))
        if t == b and l == r:
            op.padding = (t, l)
            self.pad = None
        else:
            self.pad = (l, r, t, b)
        self.fill = fill

    def forward(self, x):
        if self.pad is not None:
            x = F.pad(x, self.pad, value=self.fill)
        return self.op(x)


class Relu(nn.Module):
    """Keras ReLU layer: max_value, negative_slope, threshold (the builders use the first only)."""

    def __init__(self, cfg):
        super().__init__()
        self.max_value = cfg.get("max_value")
        if cfg.get("negative_slope", 0) or cfg.get("threshold", 0):
            raise ValueError("ReLU with negative_slope/threshold is not supported")

    def forward(self, x):
        if self.max_value is None:
            return F.relu(x)
        if self.max_value == 6:
            return F.relu6(x)
        return torch.clamp(x, 0, self.max_value)


ACTIVATIONS = {
    "linear": lambda x: x, "relu": F.relu, "relu6": F.relu6, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    "softmax": lambda x: F.softmax(x, dim=1), "elu": F.elu, "selu": F.selu, "swish": F.silu,
}


class Activation(nn.Module):
    def __init__(self, name):
        super().__init__()
        if name not in ACTIVATIONS:
            raise ValueError(f"activation {name} is not supported")
        self.fn = ACTIVATIONS[name]

    def forward(self, x):
        return self.fn(x)


class GlobalAvgPool(nn.Module):
    def __init__(self, keepdims):
        super().__init__()
        self.keepdims = keepdims

    def forward(self, x):
        return x.mean(dim=(2, 3), keepdim=self.keepdims)


class Flatten(nn.Module):
    """Keras flattens NHWC: go back to that order first, so the Dense weights line up."""

    def forward(self, x):
        return torch.flatten(x.permute(0, 2, 3, 1) if x.dim() == 4 else x, 1)


class Graph(nn.Module):
    """The Keras functional graph: layers in the topology's (topological) order, by name."""

    def __init__(self, topology, input_hw):
        super().__init__()
        cfg = topology["config"]
        self.layers = nn.ModuleDict()
        self.order = []  # (name, class name, [input names], activation or None)
        self.inputs = [i[0] for i in cfg["input_layers"]]
        self.outputs = [o[0] for o in cfg["output_layers"]]
        shapes = {}  # name -> (channels, h, w) or (features,)
        for layer in cfg["layers"]:
            name, kind, c = layer["name"], layer["class_name"], layer["config"]
            if kind == "InputLayer":
                _, h, w, ch = c["batch_input_shape"]
                shapes[name] = (ch, h, w)
                continue
            nodes = layer["inbound_nodes"]
            if len(nodes) != 1:
                raise ValueError(f"layer {name} is applied {len(nodes)} times; not supported")
            srcs = [n[0] for n in nodes[0]]
            s = shapes[srcs[0]]
            module, out_shape, act = self.make(kind, c, s, [shapes[x] for x in srcs])
            self.layers[name] = module
            shapes[name] = out_shape
            self.order.append((name, kind, srcs, Activation(act) if act not in (None, "linear") else None))

    @staticmethod
    def make(kind, c, s, in_shapes):
        act = c.get("activation")
        if c.get("data_format", "channels_last") != "channels_last":
            raise ValueError("only channels_last models are supported")
        if kind in ("Conv2D", "DepthwiseConv2D"):
            k, st, d = pair(c["kernel_size"]), pair(c["strides"]), pair(c["dilation_rate"])
            cin = s[0]
            if kind == "Conv2D":
                out, groups = c["filters"], 1
            else:
                out, groups = cin * c["depth_multiplier"], cin
            conv = nn.Conv2d(cin, out, k, st, 0, d, groups=groups, bias=c["use_bias"])
            h, w = s[1], s[2]
            if c["padding"] == "same":
                oh, ow = -(-h // st[0]), -(-w // st[1])
            else:
                oh = (h - (k[0] - 1) * d[0] - 1) // st[0] + 1
                ow = (w - (k[1] - 1) * d[1] - 1) // st[1] + 1
            return Padded(conv, c["padding"], k, st, d, (h, w)), (out, oh, ow), act
        if kind == "BatchNormalization":
            if c["axis"] not in (-1, 3):
                raise ValueError("batch norm over a non-channel axis")
            # Keras momentum m keeps m of the old average; PyTorch's keeps 1 - momentum.
            bn = nn.BatchNorm2d(s[0], eps=c["epsilon"], momentum=1 - c["momentum"], affine=True) if len(s) == 3 \
                else nn.BatchNorm1d(s[0], eps=c["epsilon"], momentum=1 - c["momentum"])
            if not (c["center"] and c["scale"]):
                raise ValueError("batch norm without center/scale is not supported")
            return bn, s, None
        if kind == "ReLU":
            return Relu(c), s, None
        if kind == "Activation":
            return Activation(c["activation"]), s, None
        if kind == "Add":
            return nn.Identity(), s, None
        if kind == "Concatenate":
            if c["axis"] not in (-1, 3):
                raise ValueError("concatenation over a non-channel axis")
            return nn.Identity(), (sum(x[0] for x in in_shapes),) + tuple(s[1:]), None
        if kind in ("MaxPooling2D", "AveragePooling2D"):
            k, st = pair(c["pool_size"]), pair(c["strides"] or c["pool_size"])
            h, w = s[1], s[2]
            if kind == "MaxPooling2D":
                op, fill = nn.MaxPool2d(k, st), float("-inf")
            elif c["padding"] == "valid":
                op, fill = nn.AvgPool2d(k, st), 0.0
            else:
                raise ValueError("'same' average pooling (TF excludes the padding from the count) is not supported")
            if c["padding"] == "same":
                oh, ow = -(-h // st[0]), -(-w // st[1])
            else:
                oh, ow = (h - k[0]) // st[0] + 1, (w - k[1]) // st[1] + 1
            return Padded(op, c["padding"], k, st, (1, 1), (h, w), fill), (s[0], oh, ow), None
        if kind == "GlobalAveragePooling2D":
            keep = c.get("keepdims", False)
            return GlobalAvgPool(keep), ((s[0], 1, 1) if keep else (s[0],)), None
        if kind == "Flatten":
            return Flatten(), (int(np.prod(s)),), None
        if kind == "Dense":
            if len(s) != 1:
                raise ValueError("Dense on a non-flat input is not supported")
            return nn.Linear(s[0], c["units"], bias=c["use_bias"]), (c["units"],), act
        if kind == "Dropout":
            return nn.Dropout(c["rate"]), s, None
        raise ValueError(f"layer class {kind} is not supported by the interpreter")

    def forward(self, x):
        values = {self.inputs[0]: x}
        for name, kind, srcs, act in self.order:
            if kind == "Add":
                ins = [values[s] for s in srcs]
                y = sum(ins[1:], ins[0])
            elif kind == "Concatenate":
                y = torch.cat([values[s] for s in srcs], 1)
            else:
                if len(srcs) != 1:
                    raise ValueError(f"{kind} {name} with {len(srcs)} inputs")
                y = self.layers[name](values[srcs[0]])
            values[name] = act(y) if act is not None else y
        return values[self.outputs[0]]

    def load_tfjs_weights(self, manifest, flat):
        """Copies the tfjs weights in (HWIO -> OIHW, [in, out] -> [out, in]); every weight must land."""
        offset = 0
        targets = {}
        for name, module in self.layers.items():
            m = module.op if isinstance(module, Padded) else module
            if isinstance(m, nn.Conv2d):
                depthwise = m.groups > 1
                targets[f"{name}/depthwise_kernel" if depthwise else f"{name}/kernel"] = (m.weight, "depthwise" if depthwise else "conv")
                if m.bias is not None:
                    targets[f"{name}/bias"] = (m.bias, "plain")
            elif isinstance(m, nn.Linear):
                targets[f"{name}/kernel"] = (m.weight, "dense")
                if m.bias is not None:
                    targets[f"{name}/bias"] = (m.bias, "plain")
            elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
                targets[f"{name}/gamma"] = (m.weight, "plain")
                targets[f"{name}/beta"] = (m.bias, "plain")
                targets[f"{name}/moving_mean"] = (m.running_mean, "plain")
                targets[f"{name}/moving_variance"] = (m.running_var, "plain")
        with torch.no_grad():
            for w in manifest:
                size = int(np.prod(w["shape"]))
                value = torch.from_numpy(flat[offset:offset + size].reshape(w["shape"]).copy())
                offset += size
                if w["name"] not in targets:
                    raise ValueError(f"tfjs weight {w['name']} has no place in the PyTorch model")
                target, how = targets.pop(w["name"])
                if how == "conv":
                    value = value.permute(3, 2, 0, 1)
                elif how == "depthwise":  # [kh, kw, cin, mult] -> [cin*mult, 1, kh, kw]
                    kh, kw, cin, mult = value.shape
                    value = value.reshape(kh, kw, cin * mult).permute(2, 0, 1).unsqueeze(1)
                elif how == "dense":
                    value = value.t()
                if tuple(value.shape) != tuple(target.shape):
                    raise ValueError(f"{w['name']}: shape {tuple(value.shape)} vs {tuple(target.shape)}")
                target.copy_(value)
        if targets:
            raise ValueError(f"PyTorch weights not given by tfjs: {sorted(targets)}")
        if offset != flat.size:
            raise ValueError("weights file longer than the manifest")


class Trainer:
    def __init__(self, args):
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        with open(f"{args.dir}/model.json") as f:
            spec = json.load(f)
        h, w, c = spec["input"]
        self.model = Graph(spec["topology"], (h, w))
        self.model.load_tfjs_weights(spec["weights"], np.fromfile(f"{args.dir}/weights.f32", np.float32))
        n = spec["pool"]
        pool = np.fromfile(f"{args.dir}/pool.u8", np.uint8).reshape(n, h, w, c)
        # NCHW once, outside the timed loop (the tfjs side keeps its NHWC pool the same way).
        self.pool = torch.from_numpy(np.ascontiguousarray(pool.transpose(0, 3, 1, 2)))
        self.labels = torch.from_numpy(np.fromfile(f"{args.dir}/pool.labels.i32", np.int32).astype(np.int64))
        self.check_spec = (spec["check"], h, w, c)
        self.args = args
        # tfjs's Adam epsilon is 1e-7 (PyTorch's default 1e-8).
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=args.lr, eps=1e-7)
        self.n = n
        self.order = torch.randperm(n)
        self.position = 0
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.images = 0
        self.loss = float("nan")

    def check(self):
        """Logits of the check batch in inference and in training mode, against the tfjs ones."""
        k, h, w, c = self.check_spec
        data = np.fromfile(f"{self.args.dir}/check.f32", np.float32)
        size = k * h * w * c
        x = torch.from_numpy(data[:size].reshape(k, h, w, c).transpose(0, 3, 1, 2).copy())
        logits = data[size:].reshape(2, k, -1)

        def compare(expected):
            with torch.no_grad():
                got = self.model(x)
            expected = torch.from_numpy(expected.copy())
            return {"max_abs_diff": (got - expected).abs().max().item(), "max_abs_logit": expected.abs().max().item()}

        self.model.eval()
        inference = compare(logits[0])
        training = None
        if not any(isinstance(m, nn.Dropout) and m.p > 0 for m in self.model.modules()):
            # Batch norm with the batch's statistics; the running averages it moves are put back.
            saved = {n: b.clone() for n, b in self.model.named_buffers()}
            self.model.train()
            training = compare(logits[1])
            with torch.no_grad():
                for n, b in self.model.named_buffers():
                    b.copy_(saved[n])
        params = sum(p.numel() for p in self.model.parameters())
        buffers = sum(b.numel() for name, b in self.model.named_buffers() if not name.endswith("num_batches_tracked"))
        return {"inference": inference, "training": training, "trainable_params": params, "all_params": params + buffers}

    def train(self, batches):
        self.model.train()
        start = time.perf_counter()
        cpu_start = time.process_time()
        images = 0
        b = self.args.batch
        for _ in range(batches):
            if self.position >= self.n:
                self.order = torch.randperm(self.n)
                self.position = 0
            idx = self.order[self.position:self.position + b]
            self.position += len(idx)
            x = self.pool[idx].float().div_(255.0)
            self.optimizer.zero_grad()
            loss = F.cross_entropy(self.model(x), self.labels[idx])
            loss.backward()
            self.optimizer.step()
            images += len(idx)
        self.loss = loss.item()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        self.seconds += seconds
        self.cpu_seconds += cpu_seconds
        self.images += images
        return seconds, cpu_seconds, images

    def summary(self):
        return {
            "images_per_s": self.images / self.seconds if self.seconds else 0.0,
            "cpu_ms_per_image": 1000 * self.cpu_seconds / self.images if self.images else 0.0,
            "final_loss": self.loss,
            "threads": torch.get_num_threads(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "torch": torch.__version__,
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True, help="folder with model.json, weights.f32, pool.u8, check.f32")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    trainer = Trainer(args)
    print(json.dumps(dict(trainer.check(), ready=True)), flush=True)
    for line in sys.stdin:
        command = line.split()
        if not command:
            continue
        if command[0] == "train":
            seconds, cpu_seconds, images = trainer.train(int(command[1]))
            print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "images": images,
                              "loss": trainer.loss}), flush=True)
        elif command[0] == "summary":
            print(json.dumps(trainer.summary()), flush=True)
        elif command[0] == "quit":
            break


if __name__ == "__main__":
    main()
