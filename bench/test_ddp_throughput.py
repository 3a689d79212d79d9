"""Data-parallel throughput: images per second of ``gankata.demos.distributed``'s DDP step on
1 and 2 CPU ranks (gloo), and on 1 to N GPUs (NCCL) where there are GPUs.

Each case launches the entry point once (``benchmark.pedantic``, one round): torchrun with N
ranks, or for a world of one the same step in one process without DDP (``--single``;
torchrun refuses a world of one by design). The figure is the one the ranks measured
themselves, after warm-up steps and between barriers, from rank 0's ``results.json``: a
launch's start (torchrun, imports, building the networks, loading the digits) is not a
step, and the launch's wall time, which pytest-benchmark keeps, is mostly start. Scaling
efficiency is images/s(N) / (N x images/s(1)): 1.0 when N ranks train N times as fast.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import torch

from bench.measure import ON_CUDA, record
from gankata.demos import distributed

ROOT = Path(__file__).resolve().parents[1]
# Few steps: each launch costs several seconds of start on top, and the file should take
# about a minute on two CPU cores. The MLP GAN's steps take milliseconds, the DCGAN's a
# good part of a second.
STEPS = {"dcgan": 10, "mlp_gan": 300} if not ON_CUDA else {"dcgan": 100, "mlp_gan": 1000}
WARMUP = 3
BATCH = 64 if not ON_CUDA else 256  # per rank
GPUS = torch.cuda.device_count()
CASES = [(model, "cpu", world) for model in distributed.MODELS for world in (1, 2)]
CASES += [
    (model, "cuda", world) for model in distributed.MODELS for world in range(1, max(2, GPUS) + 1)
]


@functools.cache
def launched(model: str, device: str, world: int) -> dict:
    """Rank 0's ``results.json`` of one launch of ``model`` on ``world`` ranks of ``device``."""
    with tempfile.TemporaryDirectory() as scratch:
        run_file = Path(scratch) / "run"
        args = ["--model", model, "--steps", str(STEPS[model] + WARMUP), "--batch", str(BATCH)]
        args += ["--warmup", str(WARMUP), "--log-every", "0", "--device", device]
        args += ["--out", str(Path(scratch) / "runs"), "--run-file", str(run_file)]
        command = (
            [sys.executable, "-m", "gankata.demos.distributed", "--single", *args]
            if world == 1
            else distributed.launch_command(world, args)
        )
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env=distributed.launch_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert finished.returncode == 0 and run_file.is_file(), (
            f"{model} on {world} {device} rank(s) failed with status {finished.returncode}:\n"
            f"{finished.stdout}\n{finished.stderr}"
        )
        run = Path(run_file.read_text(encoding="utf-8"))
        return json.loads((run / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("model", "device", "world"), CASES, ids=[f"{m}-{d}-{w}" for m, d, w in CASES]
)
def test_ddp_throughput(benchmark, model, device, world):
    if device == "cuda" and not ON_CUDA:
        pytest.skip("DDP on CUDA needs a CUDA GPU")
    if device == "cuda" and world > GPUS:
        pytest.skip(f"{world} CUDA ranks need {world} GPUs; this machine has {GPUS}")
    benchmark.group = "ddp"
    results: dict = {}
    benchmark.pedantic(lambda: results.update(launched(model, device, world)), rounds=1)
    rate = results["images_per_s"]
    alone = rate if world == 1 else launched(model, device, 1)["images_per_s"]
    facts = {
        "model": model,
        "variant": "ddp",
        "batch": BATCH,
        "global_batch": results["global_batch"],
        "world_size": world,
        "device": results["device_name"],
        "backend": results["backend"] or "one process, no DDP",
        "timed_steps": results["timed_steps"],
        "scaling_efficiency": rate / (world * alone),
    }
    if record(benchmark, items_per_call=results["timed_steps"] * BATCH * world, **facts):
        # The ranks' own figure, not the launch's: torchrun and the imports are not steps.
        benchmark.extra_info["items_per_s"] = rate
