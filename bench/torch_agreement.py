"""PyTorch side of bench/torch-agreement.ts: a small torchvision-style CNN on 3x64x64 (random
weights, seeded), exported to ONNX with a sidecar (ImageNet mean/std, as torchvision models are
trained), and its predictions on image files through the transforms such a model is used with:

    Compose([Resize(64), ToTensor(), Normalize(IMAGENET_MEAN, IMAGENET_STD)])

on images opened as torchvision's ImageFolder opens them (Image.open(f).convert('RGB')).

Usage: torch_agreement.py OUT_DIR < file list (one path per line). Writes OUT_DIR/teacher.onnx,
OUT_DIR/teacher.json and OUT_DIR/logits.f32 (float32, files x classes, little-endian), and prints
one JSON line with the versions and sizes.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision
from PIL import Image
from torch import nn
from torchvision import transforms

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
CLASSES = 10
SIZE = 64


class SmallNet(nn.Module):
    """Conv-BN-ReLU-pool x 3, then a linear layer over the 8x8 map (no global pooling: every
    position counts, so the resampling shows in the logits)."""

    def __init__(self, classes):
        super().__init__()
        layers = []
        for cin, cout in [(3, 16), (16, 32), (32, 64)]:
            layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * (SIZE // 8) ** 2, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    out = sys.argv[1]
    torch.manual_seed(7)
    torch.set_num_threads(2)
    files = [line.strip() for line in sys.stdin if line.strip()]
    model = SmallNet(CLASSES).eval()
    # BatchNorm with running statistics of its own: as a trained model has them (not identity).
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)

    tf = transforms.Compose([transforms.Resize(SIZE), transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    inputs = [torch.stack([tf(Image.open(p).convert("RGB")) for p in files[i:i + 64]]) for i in range(0, len(files), 64)]
    # A data-dependent init (as LSUV does): each class logit centred and scaled to unit spread on
    # these images, so a random network predicts every class, with margins as small as chance makes them.
    with torch.no_grad():
        raw = torch.cat([model(x) for x in inputs])
        fc = model.classifier[1]
        spread = raw.std(0)
        fc.weight /= spread[:, None]
        fc.bias.copy_((fc.bias - raw.mean(0)) / spread)

    onnx_file = os.path.join(out, "teacher.onnx")
    torch.onnx.export(
        model, torch.zeros(1, 3, SIZE, SIZE), onnx_file, input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13,
    )
    # No "resize" key: a PyTorch user's sidecar says what torchvision needs, and Resize is bilinear.
    with open(os.path.join(out, "teacher.json"), "w") as f:
        json.dump({"mean": MEAN, "std": STD, "classes": [f"c{i}" for i in range(CLASSES)]}, f)

    logits = []
    with torch.no_grad():
        for batch in inputs:
            logits.append(model(batch).numpy())
    all_logits = np.concatenate(logits).astype("<f4")
    all_logits.tofile(os.path.join(out, "logits.f32"))
    print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__, "files": len(files), "classes": CLASSES}))


if __name__ == "__main__":
    main()
