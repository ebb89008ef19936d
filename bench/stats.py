"""Small helpers for reporting benchmark figures."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline_name: str | None = None
    baseline: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]

    def row(self) -> str:
        ratio = f"{self.ratio:.2f}x" if self.ratio is not None else ""
        base = f"{self.baseline:,.2f} {self.unit} ({self.baseline_name})" if self.baseline is not None else ""
        return f"| {self.name} | {self.value:,.2f} {self.unit} | {base} | {ratio} |"


def median(values: list[float]) -> float:
    return statistics.median(values)
