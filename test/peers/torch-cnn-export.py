"""The README's MXNet workflow, first step: a small trained-looking CNN in PyTorch (convolutions,
batch norm with non-trivial statistics, pooling, a linear head, softmax), exported to ONNX with
BatchNormalization kept (no constant folding).

usage: torch-cnn-export.py OUT.onnx
Prints one JSON line: {"x": [...], "shape": [...], "y": [...]}, a seeded input and torch's own
output for it, so the test can compare the model after ONNX → MXNet → ONNX with PyTorch itself.
"""
import json
import sys

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(3, 8, 3, padding=1),
    nn.BatchNorm2d(8),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False),
    nn.BatchNorm2d(16),
    nn.LeakyReLU(0.1),
    nn.AvgPool2d(2),
    nn.Flatten(),
    nn.Linear(16 * 4 * 4, 10),
    nn.Softmax(dim=1),
)
for m in model.modules():
    if isinstance(m, nn.BatchNorm2d):
        m.running_mean.uniform_(-0.5, 0.5)
        m.running_var.uniform_(0.5, 2.0)
        m.weight.data.uniform_(0.5, 1.5)
        m.bias.data.uniform_(-0.2, 0.2)
model.eval()
x = torch.randn(2, 3, 32, 32)
torch.onnx.export(
    model,
    x,
    sys.argv[1],
    input_names=["image"],
    output_names=["probs"],
    opset_version=13,
    do_constant_folding=False,
    # PRESERVE keeps BatchNormalization nodes (EVAL folds them into the convolutions).
    training=torch.onnx.TrainingMode.PRESERVE,
)
with torch.no_grad():
    y = model(x)
print(json.dumps({"x": x.flatten().tolist(), "shape": list(x.shape), "y": y.flatten().tolist()}))
