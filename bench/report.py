"""Turn a pytest-benchmark JSON file into the tables the README shows: rich and markdown.

    python -m bench.report runs/bench/2026-11-23-0930.json [--markdown out.md]

Every ratio is taken inside the one file, so both of its figures come from the same run on
the same machine: training against the book loop, MNIST loaders against the book's pandas
dataset, face loaders against JPEG files with the same number of workers, and each step's
FLOP/s against the matrix-product ceiling measured in that run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

Row = list[str]


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def _si(value: float) -> str:
    for scale, prefix in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]:
        if value >= scale:
            return f"{value / scale:.3g} {prefix}"
    return f"{value:.3g} "


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:,.1f}x" if base else "-"


def _by_group(benchmarks: list[dict], group: str) -> list[dict]:
    return [b["extra_info"] for b in benchmarks if b["group"] == group and b["extra_info"]]


def training_rows(benchmarks: list[dict]) -> list[Row]:
    runs = _by_group(benchmarks, "train")
    book = next((r["items_per_s"] for r in runs if r["variant"] == "book"), None)
    rows = []
    for r in runs:
        rows.append(
            [
                r["model"],
                r["variant"],
                str(r["batch"]),
                r.get("precision", ""),
                _rate(r["items_per_s"]),
                _ratio(r["items_per_s"], book) if r["model"] == "mlp_gan" else "-",
                _si(r["flops_per_s"]).strip(),
                f"{100 * r['utilisation']:.2f} {r['ceiling']}",
            ]
        )
    return rows


def fast_path_rows(benchmarks: list[dict]) -> list[Row]:
    """The DCGAN's fast path against the kata's generator run the same way in the same run.

    Both FLOP counts are shown: "% ceiling" holds the kata's FLOPs per image against the
    ceiling (comparable with every other row), "counted" the fast path's own.
    """
    runs = [r for r in _by_group(benchmarks, "train") if r["model"] == "dcgan"]
    kata = {(r["variant"], r["batch"]): r["items_per_s"] for r in runs if not r.get("fast_path")}
    rows = []
    for r in runs:
        if not r.get("fast_path"):
            continue
        rows.append(
            [
                r["variant"],
                str(r["batch"]),
                r.get("precision", ""),
                _rate(r["items_per_s"]),
                f"{_ratio(r['items_per_s'], kata.get((r['base_variant'], r['batch'])))} "
                f"{r['base_variant']}",
                f"{r['flops_per_item'] / 1e6:,.0f} M",
                f"{r['counted_flops_per_item'] / 1e6:,.0f} M",
                f"{100 * r['utilisation']:.2f} {r['ceiling']}",
                f"{100 * r['counted_utilisation']:.2f} {r['ceiling']}",
            ]
        )
    return rows


def ddp_rows(benchmarks: list[dict]) -> list[Row]:
    """Data-parallel training: images/s over all ranks, and the scaling efficiency, which
    divides by N times the one-process figure of the same run."""
    return [
        [
            r["model"],
            str(r["world_size"]),
            r["device"],
            r["backend"],
            str(r["batch"]),
            _rate(r["items_per_s"]),
            f"{r['scaling_efficiency']:.2f}",
        ]
        for r in _by_group(benchmarks, "ddp")
    ]


def data_rows(benchmarks: list[dict]) -> list[Row]:
    runs = _by_group(benchmarks, "data")
    pandas = next((r["items_per_s"] for r in runs if r["loader"].startswith("book")), None)
    jpeg = {r["workers"]: r["items_per_s"] for r in runs if r.get("layout") == "jpeg_files"}
    rows = []
    for r in runs:
        if "layout" in r:
            against = f"{_ratio(r['items_per_s'], jpeg.get(r['workers']))} JPEG"
        else:
            against = f"{_ratio(r['items_per_s'], pandas)} pandas"
        workers = str(r["workers"]) if "workers" in r else "-"
        loader = f"{r['loader']} (batch {r['batch']})" if "batch" in r else r["loader"]
        rows.append([loader, workers, _rate(r["items_per_s"]), against])
    return rows


def detach_rows(benchmarks: list[dict]) -> list[Row]:
    runs = _by_group(benchmarks, "detach")
    with_detach = {r["model"]: r["items_per_s"] for r in runs if r["variant"] == "detach"}
    return [
        [
            r["model"],
            r["variant"],
            f"{r['flops_per_item'] / 1e6:,.2f} M",
            _rate(r["items_per_s"]),
            _ratio(r["items_per_s"], with_detach.get(r["model"])),
        ]
        for r in runs
    ]


LOOP_PHASES = ("cold", "warm", "solved", "watch")


def loop_rows(benchmarks: list[dict]) -> list[Row]:
    """One row per kata: the median seconds of each phase, and how much the worker saves."""
    runs = _by_group(benchmarks, "learner loop")
    seconds = {(r["kata"], r["phase"]): r["seconds"] for r in runs}
    rows = []
    for kata in dict.fromkeys(r["kata"] for r in runs):
        if kata == "all":
            continue
        cells = [f"{seconds[kata, p]:.2f}" if (kata, p) in seconds else "-" for p in LOOP_PHASES]
        cold, warm = seconds.get((kata, "cold")), seconds.get((kata, "warm"))
        rows.append([kata, *cells, f"{cold / warm:.1f}x" if cold and warm else "-"])
    return rows


def first_table_rows(benchmarks: list[dict]) -> list[Row]:
    runs = _by_group(benchmarks, "learner loop")
    return [
        ["gankata list, 12 untouched stubs", f"{r['seconds']:.2f}"]
        for r in runs
        if r["phase"] == "first_table"
    ]


TABLES = {
    "Training throughput (the three-step loop)": (
        ["model", "variant", "batch", "precision", "items/s", "x book", "FLOP/s", "% ceiling"],
        training_rows,
    ),
    "The DCGAN's fast path (kata 11's function, upsampling folded into the convolutions)": (
        [
            "variant",
            "batch",
            "precision",
            "images/s",
            "x kata's",
            "FLOPs/image (kata)",
            "FLOPs/image (counted)",
            "% ceiling",
            "% ceiling (counted)",
        ],
        fast_path_rows,
    ),
    "Data-parallel training (DDP under torchrun)": (
        ["model", "ranks", "device", "backend", "batch/rank", "images/s", "scaling efficiency"],
        ddp_rows,
    ),
    "Data pipelines": (["loader", "workers", "items/s", "against"], data_rows),
    "detach(): D's step on fakes": (
        ["model", "variant", "FLOPs/image", "images/s", "x detach"],
        detach_rows,
    ),
    "The learner's loop (median seconds of the real CLI)": (
        ["kata", *(f"{phase} s" for phase in LOOP_PHASES), "cold/warm"],
        loop_rows,
    ),
    "The first table after an install": (["command", "seconds"], first_table_rows),
}


def machine(results: dict) -> str:
    """Which device and CPU the figures come from, and the ceilings measured on it."""
    infos = [b["extra_info"] for b in results["benchmarks"] if b["extra_info"]]
    devices = sorted({i["device"] for i in infos if "device" in i})
    ceilings = {i["ceiling"]: i["ceiling_flops_per_s"] for i in infos if "ceiling" in i}
    cpu = results["machine_info"].get("cpu", {})
    parts = [
        ", ".join(devices) or "cpu",
        f"CPU {cpu.get('brand_raw', '?')} x{cpu.get('count', '?')}",
        f"run {results.get('datetime', '?')[:16]}",
    ]
    if ceilings:
        measured = ", ".join(f"{name} {_si(v)}FLOP/s" for name, v in sorted(ceilings.items()))
        parts.append(f"matmul ceilings: {measured}")
    return "; ".join(parts)


def to_markdown(results: dict) -> str:
    lines = [f"Measured on {machine(results)}.", ""]
    for title, (columns, rows_of) in TABLES.items():
        rows = rows_of(results["benchmarks"])
        if not rows:
            continue
        lines += [f"### {title}", "", "| " + " | ".join(columns) + " |"]
        lines.append("|" + "---|" * len(columns))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


def print_tables(results: dict, console: Console) -> None:
    console.print(f"Measured on {machine(results)}.")
    for title, (columns, rows_of) in TABLES.items():
        rows = rows_of(results["benchmarks"])
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for i, column in enumerate(columns):
            table.add_column(column, justify="left" if i < 2 else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="pytest-benchmark's --benchmark-json file")
    parser.add_argument("--markdown", type=Path, help="also write the tables here (markdown)")
    args = parser.parse_args(argv)
    if not args.results.is_file():
        parser.error(
            f"{args.results} does not exist: run the benchmarks first, e.g. "
            f"pytest --benchmark-only --benchmark-json={args.results}"
        )
    results = json.loads(args.results.read_text())
    print_tables(results, Console())
    if args.markdown:
        args.markdown.write_text(to_markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
