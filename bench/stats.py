"""Small helpers for reporting benchmark figures."""

from __future__ import annotations

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
        return self.value / self.baseline

    def row(self) -> str:
        # Three significant digits: some ratios are far below 1 (event rows per progress call).
        ratio = f"{self.ratio:.3g}x" if self.ratio is not None else ""
        base = (
            f"{_number(self.baseline)} {self.unit} ({self.baseline_name})"
            if self.baseline is not None
            else ""
        )
        return f"| {self.name} | {_number(self.value)} {self.unit} | {base} | {ratio} |"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
