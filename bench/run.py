"""Run every benchmark under bench/, print one table, optionally write JSON.

Usage: ``python -m bench.run [--json PATH]``.
"""

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

import smpstudio
from bench._harness import Figure

HERE = Path(__file__).resolve().parent


def _metadata() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"commit {commit} · smpstudio {smpstudio.__version__} · Python {platform.python_version()}"
        f" · numpy {np.__version__} · {os.cpu_count()} CPUs: {cpu}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and report; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    console = Console(width=max(160, Console().width))
    console.print(_metadata(), highlight=False)
    figures: list[Figure] = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        console.print(f"running {path.stem} …", highlight=False)
        figures.extend(module.run())
    table = Table(title="SMP Studio benchmarks (ratio = ours / baseline)")
    for column in ("benchmark", "metric", "ours", "baseline", "baseline value", "ratio", "note"):
        table.add_column(column)
    for f in figures:
        table.add_row(
            f.benchmark,
            f.metric,
            f"{f.value:.4g} {f.unit}",
            f.baseline,
            "—" if f.baseline_value is None else f"{f.baseline_value:.4g} {f.unit}",
            "—" if f.ratio is None else f"{f.ratio:.3f}",
            f.note,
        )
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps([f.as_json() for f in figures], indent=1) + "\n")
        console.print(f"figures written to {args.json}", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
