#!/usr/bin/python3
"""Makes the example model shipped in examples/models/ with real PyTorch and NumPy.

A small multilayer perceptron (1 -> 16 -> 16 -> 1, tanh) is trained with PyTorch to fit
sin(x) on [-pi, pi], then its state_dict is saved with NumPy's own np.savez, so the file is
written by the real framework and not by nnport. Deterministic: fixed seed, single thread.

Run with Debian's Python: /usr/bin/python3 scripts/make-example.py
"""
import math
import os

import numpy as np
import torch

torch.manual_seed(0)
torch.set_num_threads(1)

model = torch.nn.Sequential(
    torch.nn.Linear(1, 16),
    torch.nn.Tanh(),
    torch.nn.Linear(16, 16),
    torch.nn.Tanh(),
    torch.nn.Linear(16, 1),
)
x = torch.linspace(-math.pi, math.pi, 256).unsqueeze(1)
y = torch.sin(x)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(2000):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
print(f"final mse {loss.item():.2e}")

out = os.path.join(os.path.dirname(__file__), "..", "examples", "models", "sine-mlp.npz")
np.savez(out, **{name: t.detach().numpy() for name, t in model.state_dict().items()})
print("wrote", os.path.normpath(out))
