"""The arithmetic behind every rate shown: the rate, its Wilson score interval and small-number
suppression. Pure functions, tested table-driven (tests/reporting/test_stats.py)."""

import math
from dataclasses import dataclass

from django.conf import settings

Z_95 = 1.959963984540054  # two-sided 95%


def suppress_below() -> int:
    """Cells with fewer than this many are not shown (VC_SUPPRESS_BELOW; default 10)."""
    return int(getattr(settings, "VC_SUPPRESS_BELOW", 10))


def wilson(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials, as proportions (0..1)."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= k <= n:
        raise ValueError("k must be between 0 and n")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    """k of n, as shown: suppressed when n is below the threshold (then no count, rate or interval is
    given, only that there were too few to show)."""

    k: int
    n: int
    threshold: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.n < self.threshold

    @property
    def shown(self) -> bool:
        return self.n >= self.threshold and self.n > 0

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.shown else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.k, self.n) if self.shown else None

    @property
    def percent(self) -> str:
        """'82%', '' when not shown."""
        return f"{round(100 * self.value)}%" if self.shown else ""

    @property
    def interval_text(self) -> str:
        if not self.shown:
            return ""
        lo, hi = self.interval
        return f"{round(100 * lo)}% to {round(100 * hi)}%"

    @property
    def text(self) -> str:
        """What a table cell says."""
        if self.n == 0:
            return "None due"
        if self.suppressed:
            return f"Fewer than {self.threshold}"
        return self.percent


def rate(k: int, n: int, threshold: int | None = None) -> Rate:
    return Rate(k, n, suppress_below() if threshold is None else threshold)


def count_text(n: int, threshold: int | None = None) -> str:
    """A count as shown: suppressed (but not zero) when below the threshold."""
    t = suppress_below() if threshold is None else threshold
    if 0 < n < t:
        return f"Fewer than {t}"
    return f"{n:,}"
