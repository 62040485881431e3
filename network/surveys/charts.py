"""Chart geometry for the server-drawn SVG charts (templates/surveys/_charts.html draws it; the same numbers go
into a table beside each chart).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 28


@dataclass
class Point:
    """A point of a line chart, with its value as shown."""

    x: float
    y: float
    label: str
    value: float | None
    text: str


@dataclass
class LineChart:
    """A line chart's geometry: segments (gaps between them), points and ticks."""

    kind: str = "line"
    width: int = WIDTH
    height: int = HEIGHT
    segments: list[list[Point]] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: float = WIDTH - RIGHT


@dataclass
class Bar:
    """One bar of a distribution: its place, length, label, count and share."""

    y: float
    width: float
    label: str
    count: int
    share: float


@dataclass
class BarChart:
    """Horizontal bars for a distribution."""

    kind: str = "bars"
    width: int = WIDTH
    height: int = 0
    bar_height: int = 18
    label_width: int = 170
    bars: list[Bar] = field(default_factory=list)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def line_chart(labels: list[str], values: list[float | None], low: float, high: float, digits: int = 2) -> LineChart:
    """A line over `labels` (e.g. years) with `values` on a fixed scale low..high; None leaves a gap.

    Takes matching lists; returns the geometry for the chart macro.
    """
    chart = LineChart()
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    span = (high - low) or 1
    segment: list[Point] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + (i * step if len(labels) > 1 else plot_w / 2)
        chart.x_ticks.append((x, label))
        if value is None:
            if segment:
                chart.segments.append(segment)
            segment = []
            continue
        y = TOP + plot_h * (1 - (value - low) / span)
        point = Point(round(x, 1), round(y, 1), label, value, _fmt(value, digits))
        chart.points.append(point)
        segment.append(point)
    if segment:
        chart.segments.append(segment)
    for j in range(5):
        tick = low + span * j / 4
        chart.y_ticks.append((round(TOP + plot_h * (1 - j / 4), 1), _fmt(tick, 1 if span < 20 else 0)))
    return chart


def bar_chart(rows: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars for a distribution: (label, count) rows; shares are of the rows' total."""
    chart = BarChart()
    total = sum(count for _, count in rows) or 1
    largest = max((count for _, count in rows), default=0) or 1
    usable = WIDTH - chart.label_width - 60
    for i, (label, count) in enumerate(rows):
        chart.bars.append(Bar(i * (chart.bar_height + 6), round(usable * count / largest, 1), label, count,
                              round(100 * count / total, 1)))
    chart.height = max(len(rows) * (chart.bar_height + 6), chart.bar_height)
    return chart
