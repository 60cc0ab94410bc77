"""PyTorch reference for bench/training/small-cnn.ts: the same small CNN, data, optimizer and batch.

Run by the TypeScript benchmark with Debian's /usr/bin/python3 (python3-torch). Prints one JSON line:
{"images_per_s": ..., "test_accuracy": ..., "epochs": ..., "train_images": ..., "threads": ...}
Only the training loop is timed (data loading and evaluation are not), like the tfjs side.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_split(directory, split, limit):
    with gzip.open(f"{directory}/{split}-images-idx3-ubyte.gz", "rb") as f:
        raw = f.read()
    count, height, width = np.frombuffer(raw, ">i4", 3, 4)
    images = np.frombuffer(raw, np.uint8, count * height * width, 16).reshape(count, 1, height, width)
    with gzip.open(f"{directory}/{split}-labels-idx1-ubyte.gz", "rb") as f:
        labels = np.frombuffer(f.read(), np.uint8, count, 8)
    n = count if limit is None else min(count, limit)
    return (torch.from_numpy(images[:n].astype(np.float32) / 255.0),
            torch.from_numpy(labels[:n].astype(np.int64)))


class SmallCnn(nn.Module):
    def __init__(self, height, width, channels, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * (height // 4) * (width // 4), 128)
        self.logits = nn.Linear(128, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.logits(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train = read_split(args.dir, "train", args.limit)
    x_test, y_test = read_split(args.dir, "t10k", None)
    model = SmallCnn(28, 28, 1, 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    n = x_train.shape[0]
    train_seconds = 0.0
    for _ in range(args.epochs):
        order = torch.randperm(n)
        model.train()
        start = time.perf_counter()
        for i in range(0, n, args.batch):
            idx = order[i:i + args.batch]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        train_seconds += time.perf_counter() - start

    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x_test.shape[0], 1000):
            correct += (model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
    print(json.dumps({
        "images_per_s": n * args.epochs / train_seconds,
        "test_accuracy": correct / x_test.shape[0],
        "final_loss": loss.item(),
        "epochs": args.epochs,
        "train_images": n,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
