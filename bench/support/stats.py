"""Order statistics, and the one way a time is printed beside its baseline."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: ``share`` 0.95 is the value 95 % of the samples do not exceed."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else math.inf


def duration(seconds: float) -> str:
    """A time in the unit a reader takes in at a glance."""
    if seconds < 1:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds:,.2f} s" if seconds < 100 else f"{seconds:,.0f} s"


def beside(seconds: float, baseline: float, name: str) -> str:
    """'= 3.10x <name> (0.66 ms)': how many of the baseline's time the figure takes."""
    ratio = seconds / baseline if baseline > 0 else math.inf
    return f"= {ratio:,.2f}x {name} ({duration(baseline)})"


def share_of(rate_measured: float, rate_baseline: float, name: str) -> str:
    """'= 105 % of <name> (13,760 ev/s)': a throughput as a share of its baseline's."""
    share = rate_measured / rate_baseline if rate_baseline > 0 else math.inf
    return f"= {share:.1%} of {name} ({rate_baseline:,.0f} ev/s)"


def row(label: str, text: str) -> None:
    """One printed figure: a label column, then the figure and its comparison."""
    print(f"{label:<13}{text}", flush=True)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)
