"""PyTorch reference for bench/pseudo-label.ts: the same small CNN (as in training/small_cnn_torch.py)
run as a teacher over the same PNG files, timed two ways in one process:

- first pass: read each file, decode it with Pillow, convert to gray, scale to [0, 1], batch of 64,
  forward, softmax: what a Python pseudo-labeling script does;
- decoded: the same forward passes over tensors decoded beforehand (not timed).

Weights are random (speed does not depend on them). Reads the file list (one path per line) on
stdin and prints one JSON line: {"first_pass": img/s, "decoded": img/s}.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))
from small_cnn_torch import SmallCnn  # noqa: E402

BATCH = 64


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    files = [line.strip() for line in sys.stdin if line.strip()]
    model = SmallCnn(28, 28, 1, 10).eval()

    def decode(path):
        with Image.open(path) as im:
            return np.asarray(im.convert("L").resize((28, 28)), dtype=np.float32) / 255.0

    def run(batch):
        with torch.no_grad():
            return torch.softmax(model(torch.from_numpy(np.stack(batch)[:, None, :, :])), dim=1)

    run([decode(f) for f in files[:BATCH]])  # warm up

    start = time.perf_counter()
    for i in range(0, len(files), BATCH):
        run([decode(f) for f in files[i:i + BATCH]])
    first = len(files) / (time.perf_counter() - start)

    decoded = [decode(f) for f in files]
    start = time.perf_counter()
    for i in range(0, len(files), BATCH):
        run(decoded[i:i + BATCH])
    again = len(files) / (time.perf_counter() - start)
    print(json.dumps({"first_pass": first, "decoded": again}))


if __name__ == "__main__":
    main()
