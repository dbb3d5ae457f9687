"""Run the benchmark workloads in neurarust and PyTorch and print the ratios.

Usage::

    python -m benchmarks.run                # every workload
    python -m benchmarks.run M3 M4-grad     # chosen ones
    python -m benchmarks.run --quick        # small sizes (what CI runs)
    python -m benchmarks.run --json out.json

The ratio is neurarust / PyTorch for times and memory (lower is better) and
PyTorch / neurarust for throughputs, so a ratio of 2.0 always means "PyTorch is
twice as fast" (or needs half the memory). Both sides run in this process, one
after the other (W3-memory runs each in a fresh process of its own).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

import neurarust

from . import conv, core, data, losses, models, onnx, ops, optim, sequence
from .harness import Measurement, load_torch

WORKLOADS: dict[str, Callable[..., Measurement]] = {
    **core.WORKLOADS,
    **models.WORKLOADS,
    **ops.WORKLOADS,
    **conv.WORKLOADS,
    **sequence.WORKLOADS,
    **losses.WORKLOADS,
    **optim.WORKLOADS,
    **data.WORKLOADS,
    **onnx.WORKLOADS,
}


def slowdown(ours: Measurement, theirs: Measurement) -> float:
    """How many times slower neurarust is than PyTorch (1.0 = as fast)."""
    if ours.higher_is_better:
        return theirs.value / ours.value
    return ours.value / theirs.value


def run(names: list[str], quick: bool) -> list[dict[str, object]]:
    """Measure each workload on both libraries; one result row per workload."""
    torch = load_torch()
    rows = []
    for name in names:
        ours = WORKLOADS[name](neurarust, quick)
        theirs = WORKLOADS[name](torch, quick) if torch is not None else None
        rows.append(
            {
                "workload": name,
                "unit": ours.unit,
                "neurarust": ours.value,
                "torch": None if theirs is None else theirs.value,
                "slowdown": None if theirs is None else slowdown(ours, theirs),
            }
        )
    return rows


def format_rows(rows: list[dict[str, object]]) -> str:
    lines = [f"{'workload':<18} {'unit':<11} {'neurarust':>11} {'torch':>11} {'slowdown':>9}"]
    for r in rows:
        theirs = "-" if r["torch"] is None else f"{r['torch']:.2f}"
        ratio = "-" if r["slowdown"] is None else f"{r['slowdown']:.2f}x"
        lines.append(
            f"{r['workload']:<18} {r['unit']:<11} {r['neurarust']:>11.2f} {theirs:>11} {ratio:>9}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", help=f"any of {', '.join(WORKLOADS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes, for smoke tests")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    unknown = [n for n in args.workloads if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads {unknown}; choose from {list(WORKLOADS)}")
    rows = run(args.workloads or list(WORKLOADS), args.quick)
    print(format_rows(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
