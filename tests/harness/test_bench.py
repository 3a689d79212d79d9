"""The benchmark suite still runs, and its report takes every ratio inside one run."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _load_report() -> ModuleType:
    """bench/report.py, loaded from its file: ``bench`` is a folder of the checkout, not an
    installed package, and pytest puts only tests/harness on the path here."""
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_report = _load_report()


def _bench(group: str, **info: object) -> dict:
    return {"group": group, "extra_info": info}


RESULTS = {
    "datetime": "2026-11-23T10:00:00",
    "machine_info": {"cpu": {"brand_raw": "Test CPU", "count": 2}},
    "benchmarks": [
        _bench("train", model="mlp_gan", variant="book", batch=1, items_per_s=200.0,
               flops_per_s=7e8, utilisation=0.005, ceiling="fp32", ceiling_flops_per_s=1.4e11,
               precision="fp32", device="cpu"),
        _bench("train", model="mlp_gan", variant="eager", batch=256, items_per_s=20_000.0,
               flops_per_s=7e10, utilisation=0.5, ceiling="fp32", ceiling_flops_per_s=1.4e11,
               precision="fp32", device="cpu"),
        _bench("train", model="dcgan", variant="eager", batch=256, items_per_s=100.0,
               flops_per_s=5e10, utilisation=0.36, ceiling="fp32", ceiling_flops_per_s=1.4e11,
               precision="fp32", device="cpu", fast_path=False, base_variant="eager",
               flops_per_item=5e8, counted_flops_per_item=5e8),
        _bench("train", model="dcgan", variant="fast", batch=256, items_per_s=230.0,
               flops_per_s=1.15e11, utilisation=0.82, ceiling="fp32", ceiling_flops_per_s=1.4e11,
               precision="fp32", device="cpu", fast_path=True, base_variant="eager",
               flops_per_item=5e8, counted_flops_per_item=2.9e8, counted_utilisation=0.48),
        _bench("ddp", model="dcgan", world_size=2, device="cpu", backend="gloo", batch=64,
               items_per_s=340.0, scaling_efficiency=0.82),
        _bench("data", loader="book: pandas .iloc MnistDataset", items_per_s=10_000.0),
        _bench("data", loader="uint8 tensor", batch=256, items_per_s=1_000_000.0),
        _bench("data", loader="JPEG", layout="jpeg_files", workers=0, items_per_s=1_000.0),
        _bench("data", loader="chunked", layout="hdf5_chunked", workers=0, items_per_s=3_000.0),
        _bench("detach", model="mlp_gan", variant="detach", flops_per_item=1e6,
               items_per_s=60_000.0),
        _bench("detach", model="mlp_gan", variant="no detach", flops_per_item=2e6,
               items_per_s=40_000.0),
    ],
}  # fmt: skip


def test_the_report_divides_by_the_baselines_of_the_same_run(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(RESULTS))
    assert bench_report.main([str(path), "--markdown", str(tmp_path / "results.md")]) == 0
    markdown = (tmp_path / "results.md").read_text()
    assert "Test CPU x2" in markdown and "fp32 140 GFLOP/s" in markdown
    assert "| mlp_gan | eager | 256 | fp32 | 20,000 | 100.0x | 70 G | 50.00 fp32 |" in markdown
    assert "| uint8 tensor (batch 256) | - | 1,000,000 | 100.0x pandas |" in markdown
    assert "| chunked | 0 | 3,000 | 3.0x JPEG |" in markdown
    assert "| mlp_gan | no detach | 2.00 M | 40,000 | 0.7x |" in markdown
    assert "| dcgan | 2 | cpu | gloo | 64 | 340 | 0.82 |" in markdown, markdown
    # The fast path against the kata's DCGAN run the same way, with both FLOP counts.
    assert "| fast | 256 | fp32 | 230 | 2.3x eager | 500 M | 290 M | 82.00 fp32 | 48.00 fp32 |" in (
        markdown
    ), markdown


def test_the_benchmarks_run_once_each_untimed():
    # --benchmark-disable runs each benchmark's work once: the suite cannot rot unnoticed.
    # "mnist" picks the MNIST loaders and the learner loop's mnist_gan checks (cold, warm,
    # solved, watch), which start and stop a warm worker of their own.
    chosen = "book_loop or mlp_gan-eager-256 or dcgan-fast-256 or mnist or chunked_slices"
    chosen += " or d_on_fake and mlp"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "bench", "--benchmark-disable", "-q", "-p",
         "no:cacheprovider", "-k", chosen],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout, result.stdout[-2000:]


def test_the_learner_loop_table_divides_cold_by_warm_of_the_same_kata():
    loop = [
        _bench("learner loop", kata="step_order", phase=phase, seconds=seconds)
        for phase, seconds in [("cold", 8.0), ("warm", 0.8), ("solved", 1.2), ("watch", 1.0)]
    ]
    loop.append(_bench("learner loop", kata="all", phase="first_table", seconds=0.4))
    assert bench_report.loop_rows(loop) == [
        ["step_order", "8.00", "0.80", "1.20", "1.00", "10.0x"]
    ], "each kata's row: median seconds per phase, then cold over warm"
    assert bench_report.first_table_rows(loop) == [["gankata list, 12 untouched stubs", "0.40"]], (
        "the first table has its own row"
    )
