#!/usr/bin/env python3
"""Writes the PyTorch models of test/keras/export.test.ts with torch.onnx.export (torch 1.13).

Usage: export-make-files.py OUT_DIR  ->  OUT_DIR/NAME.onnx for each model below, and a JSON list
[{"name", "shape", "opset"}] (input shape with batch 2) on stdout. Batch is a dynamic axis except
for `conv1d` (fixed batch 2). Weights and BatchNorm statistics are seeded random values.
"""
import json
import os
import sys

import torch
from torch import nn

torch.manual_seed(0)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)  # pads (1, 1) are not TF's SAME (0, 1)
        self.fc = nn.Linear(8 * 4 * 4, 3)

    def forward(self, x):
        y = torch.relu(self.a(x))
        z = self.b(y)
        s = torch.relu(y + z)
        c = torch.cat([s, torch.maximum(y, z)], 1)
        return torch.sigmoid(self.fc(torch.flatten(self.pool(torch.relu(c)), 1)))


class Pick(nn.Module):
    """A Gather (x[:, 1]): no Keras layer."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        return self.fc(x)[:, 1]


def bn(c):
    m = nn.BatchNorm2d(c)
    m.running_mean.uniform_(-0.5, 0.5)
    m.running_var.uniform_(0.5, 1.5)
    m.weight.data.uniform_(0.5, 1.5)
    m.bias.data.uniform_(-0.5, 0.5)
    return m


MODELS = [
    ('mlp', 13, [2, 8], nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 5), nn.Softmax(dim=1))),
    ('mlp_acts', 11, [2, 6], nn.Sequential(
        nn.Linear(6, 7), nn.LeakyReLU(0.1), nn.Linear(7, 7), nn.ReLU6(), nn.Linear(7, 5), nn.Tanh(),
        nn.Dropout(0.5), nn.Linear(5, 4), nn.Softmax(dim=-1))),
    ('cnn', 17, [2, 3, 16, 16], nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), bn(8), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 4))),
    ('flat', 14, [2, 2, 8, 8], nn.Sequential(
        nn.Conv2d(2, 4, 3), nn.ELU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))),
    ('depthwise', 15, [2, 4, 9, 9], nn.Sequential(
        nn.Conv2d(4, 8, 3, groups=4, padding=1, stride=2), nn.ReLU(), nn.Conv2d(8, 5, 1),
        nn.AvgPool2d(2), nn.Flatten(), nn.Linear(5 * 2 * 2, 3))),
    ('residual', 16, [2, 3, 8, 8], Residual()),
    ('conv1d', 13, [2, 3, 20], nn.Sequential(
        nn.Conv1d(3, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool1d(2), nn.Conv1d(6, 4, 3, dilation=2),
        nn.Flatten(), nn.Linear(4 * 6, 2))),
    ('pick', 13, [2, 6], Pick()),
]


def main():
    out = sys.argv[1]
    listing = []
    for name, opset, shape, module in MODELS:
        module.eval()
        dynamic = None if name == 'conv1d' else {'x': {0: 'batch'}, 'y': {0: 'batch'}}
        torch.onnx.export(module, torch.randn(*shape), os.path.join(out, name + '.onnx'), opset_version=opset,
                          input_names=['x'], output_names=['y'], dynamic_axes=dynamic)
        listing.append({'name': name, 'shape': shape, 'opset': opset})
    print(json.dumps(listing))


main()
