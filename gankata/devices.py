"""Pick the fastest device this machine has."""

from __future__ import annotations

import os

import torch


def pick_device(preferred: str | None = None) -> torch.device:
    """``preferred`` or ``$GANKATA_DEVICE`` if given, else CUDA, then Apple's MPS, then CPU."""
    choice = preferred or os.environ.get("GANKATA_DEVICE")
    if choice:
        device = torch.device(choice)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(
                f"device {choice!r} was asked for but this PyTorch sees no CUDA GPU; "
                "unset GANKATA_DEVICE or ask for 'cpu'."
            )
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
