"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt
import torch

from katas.seed_arithmetic import interpolate, slerp_path

torch.manual_seed(0)
a, b = torch.randn(100), torch.randn(100)
t = torch.linspace(0.0, 1.0, 21).numpy()
plt.figure(figsize=(6, 3.5))
plt.plot(t, interpolate(a, b, 21).norm(dim=1).numpy(), label="lerp (interpolate)")
plt.plot(t, slerp_path(a, b, 21).norm(dim=1).numpy(), label="slerp (slerp_path)")
plt.axhline(10, color="grey", linestyle="--", label="sqrt(100) = 10")
plt.xlabel("t")
plt.ylabel("length of the seed")
plt.legend()
plt.show()
