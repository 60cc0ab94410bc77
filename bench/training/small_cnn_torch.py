"""PyTorch reference for bench/training/small-cnn.ts: the same small CNN, data, optimizer and batch.

Run by the TypeScript benchmark with Debian's /usr/bin/python3 (python3-torch), in --serve mode: it
reads `train K` (train the next K batches, epochs roll over), `summary` and `quit` on stdin and
answers one JSON line each, so the benchmark can alternate chunks of PyTorch and tfjs training and
both see the same load on a shared machine. Without --serve it trains --epochs and prints a summary.
Only training is timed (not data loading or evaluation), like the tfjs side.
"""
import argparse
import gzip
import json
import sys
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


class Trainer:
    """Trains in chunks of batches on request, so a caller can interleave it with another engine."""

    def __init__(self, args):
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        self.args = args
        self.x_train, self.y_train = read_split(args.dir, "train", args.limit)
        self.x_test, self.y_test = read_split(args.dir, "t10k", None)
        self.model = SmallCnn(28, 28, 1, 10)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=args.lr)
        self.n = self.x_train.shape[0]
        self.order = torch.randperm(self.n)
        self.position = 0  # next example of the current epoch
        self.seconds = 0.0
        self.cpu_seconds = 0.0  # all threads of the process: load-independent cost
        self.images = 0
        self.loss = float("nan")

    def train(self, batches):
        """Trains the next `batches` batches (epochs roll over); returns (seconds, cpu seconds, images)."""
        self.model.train()
        start = time.perf_counter()
        cpu_start = time.process_time()
        images = 0
        for _ in range(batches):
            if self.position >= self.n:
                self.order = torch.randperm(self.n)
                self.position = 0
            idx = self.order[self.position:self.position + self.args.batch]
            self.position += len(idx)
            self.optimizer.zero_grad()
            loss = F.cross_entropy(self.model(self.x_train[idx]), self.y_train[idx])
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

    def accuracy(self):
        self.model.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, self.x_test.shape[0], 1000):
                correct += (self.model(self.x_test[i:i + 1000]).argmax(1) == self.y_test[i:i + 1000]).sum().item()
        return correct / self.x_test.shape[0]

    def summary(self):
        return {
            "images_per_s": self.images / self.seconds if self.seconds else 0.0,
            "cpu_ms_per_image": 1000 * self.cpu_seconds / self.images if self.images else 0.0,
            "test_accuracy": self.accuracy(),
            "final_loss": self.loss,
            "train_images": self.n,
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", action="store_true",
                        help="read 'train K' / 'summary' commands on stdin, answer JSON lines")
    args = parser.parse_args()
    trainer = Trainer(args)

    if not args.serve:
        batches_per_epoch = (trainer.n + args.batch - 1) // args.batch
        trainer.train(batches_per_epoch * args.epochs)
        print(json.dumps(dict(trainer.summary(), epochs=args.epochs)), flush=True)
        return

    print(json.dumps({"ready": True, "train_images": trainer.n}), flush=True)
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
