"""Chart geometry for the server-drawn SVG charts (templates/surveys/_charts.html draws it; the same numbers go
into a table beside each chart). The labels are written in the reader's language (`network.i18n.format_number`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import format_number

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 28

# Series styles: a colour with at least 3:1 contrast on white (WCAG 1.4.11), a dash pattern and a marker shape, so
# lines are told apart without colour too. Presentation attributes, not CSS: WeasyPrint draws the same SVG.
STYLES = (
    ("#1a5a96", "", "circle"),
    ("#b5451b", "7 3", "square"),
    ("#2e7d32", "2 3", "triangle"),
    ("#6a1b9a", "9 3 2 3", "diamond"),
    ("#ad1457", "4 4", "ring"),
    ("#37474f", "1 3", "cross"),
)


@dataclass
class Point:
    """A point of a line chart, with its value as shown."""

    x: float
    y: float
    label: str
    value: float | None
    text: str


@dataclass
class Series:
    """One line of a chart: its name (for the legend), its style (number, colour, dash pattern, marker shape),
    segments (gaps between them) and points.
    """

    name: str
    style: int = 0
    colour: str = STYLES[0][0]
    dash: str = ""
    marker: str = "circle"
    segments: list[list[Point]] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)


@dataclass
class LineChart:
    """A line chart's geometry: one or more series and the axes' ticks."""

    kind: str = "line"
    width: int = WIDTH
    height: int = HEIGHT
    series: list[Series] = field(default_factory=list)
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


def line_chart(labels: list[str], values: list[float | None], low: float, high: float, digits: int = 2) -> LineChart:
    """A line over `labels` (e.g. years) with `values` on a fixed scale low..high; None leaves a gap.

    Takes matching lists; returns the geometry for the chart macro (one unnamed series).
    """
    return multi_line_chart(labels, [("", values)], low, high, digits)


def multi_line_chart(labels: list[str], series: list[tuple[str, list[float | None]]], low: float, high: float,
                     digits: int = 2) -> LineChart:
    """Several lines over the same `labels` on a fixed scale low..high: `series` is [(name, values)], each values
    list matching `labels`, None leaving a gap. Styles repeat after six series. Returns the chart macro's geometry.
    """
    chart = LineChart()
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    span = (high - low) or 1
    xs = [LEFT + (i * step if len(labels) > 1 else plot_w / 2) for i in range(len(labels))]
    chart.x_ticks = list(zip(xs, labels, strict=True))
    for number, (name, values) in enumerate(series):
        colour, dash, marker = STYLES[number % len(STYLES)]
        line = Series(name, number % len(STYLES), colour, dash, marker)
        segment: list[Point] = []
        for x, label, value in zip(xs, labels, values, strict=True):
            if value is None:
                if segment:
                    line.segments.append(segment)
                segment = []
                continue
            y = TOP + plot_h * (1 - (value - low) / span)
            point = Point(round(x, 1), round(y, 1), label, value, format_number(value, digits))
            line.points.append(point)
            segment.append(point)
        if segment:
            line.segments.append(segment)
        chart.series.append(line)
    for j in range(5):
        tick = low + span * j / 4
        chart.y_ticks.append((round(TOP + plot_h * (1 - j / 4), 1), format_number(tick, 1 if span < 20 else 0)))
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
