"""Charts as data: bars and lines laid out in a fixed box, which the theme's
`_charts.html` draws as inline SVG (no script, no request, the page's own
colours in light and dark) with a title, a description and a table of the
numbers for screen readers.

Why not matplotlib, the field's standard: its SVG backend took 25 ms and
9.8 KB per small chart (and 0.55 s to import), with colours fixed in the
file; at 10,000 paper pages that is minutes of build. Laid out here, a chart
takes about 30 microseconds and a kilobyte, and follows the theme's colours.
"""

from __future__ import annotations

import math

from .records import Record, record

WIDTH, HEIGHT = 640, 220  # the box every chart is drawn in (the viewBox)
SMALL_WIDTH, SMALL_HEIGHT = 400, 150
SPARK_WIDTH, SPARK_HEIGHT = 240, 48
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 8, 10, 28  # room for the axes' labels


@record
class Mark(Record):
    """A bar (x, y, width, height) or a point of a line (x, y; no size)."""

    x: float
    y: float
    width: float
    height: float


@record
class Tick(Record):
    """A label on an axis, where it goes."""

    x: float
    y: float
    text: str


@record
class Chart(Record):
    kind: str  # "bars", "line" or "spark"
    title: str
    description: str
    axis: str  # what the labels are: the table's first heading ("Month")
    labels: tuple[str, ...]  # one per value
    values: tuple[float, ...]  # ints, or floats rounded to a tenth
    unit: str  # what the values are: the table's second heading ("Papers")
    width: int
    height: int
    plot: tuple[float, float]  # the plot's left and right edges: grid lines span them
    marks: tuple[Mark, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]

    @property
    def points(self) -> str:
        """A line's points, for <polyline points>."""
        return " ".join(f"{m.x:g},{m.y:g}" for m in self.marks)


def bars(text: tuple[str, str], axis: tuple[str, str], labels, values, every: int = 1) -> Chart:
    """A bar per value; every `every`-th label shown under its bar. `text`:
    title and description; `axis`: what the labels are, and the values."""
    return _chart("bars", text, axis, labels, values, every, WIDTH, HEIGHT)


def line(
    text: tuple[str, str], axis: tuple[str, str], labels, values, every: int = 1, small=False
) -> Chart:
    """A point per value, joined; `small`: a box whose text stays readable
    at a phone's width."""
    width, height = (SMALL_WIDTH, SMALL_HEIGHT) if small else (WIDTH, HEIGHT)
    return _chart("line", text, axis, labels, values, every, width, height)


def spark(text: tuple[str, str], axis: tuple[str, str], labels, values) -> Chart:
    """Small bars without axes, for beside a heading."""
    return _chart("spark", text, axis, labels, values, 0, SPARK_WIDTH, SPARK_HEIGHT)


def _chart(kind, text, axis, labels, values, every, width, height) -> Chart:
    (title, description), (label_axis, unit) = text, axis
    labels = tuple(labels)
    values = tuple(v if isinstance(v, int) else round(v, 1) for v in values)
    left, right, top, bottom = (_LEFT, _RIGHT, _TOP, _BOTTOM) if kind != "spark" else (0, 0, 2, 0)
    plot_width, plot_height = width - left - right, height - top - bottom
    top_value = _nice_ceiling(max(values, default=0))
    count = max(len(values), 1)
    step = plot_width / count

    def y_of(value: float) -> float:
        return round(top + plot_height * (1 - value / top_value), 1)

    if kind == "line":  # points inset from the edges, where their labels fit
        inset = min(24, plot_width / 4)
        centre = (plot_width - 2 * inset) / max(count - 1, 1)
        marks = tuple(
            Mark(round(left + inset + i * centre, 1), y_of(v), 0, 0) for i, v in enumerate(values)
        )
    else:
        gap = min(step * 0.2, 4)
        marks = tuple(
            Mark(
                round(left + i * step + gap / 2, 1),
                y_of(v),
                round(step - gap, 1),
                round(top + plot_height - y_of(v), 1),
            )
            for i, v in enumerate(values)
        )
    x_ticks = ()
    if every:
        x_ticks = tuple(
            Tick(round(m.x + m.width / 2, 1), height - 8, label)
            for i, (m, label) in enumerate(zip(marks, labels, strict=True))
            if i % every == 0
        )
    y_ticks = ()
    if kind != "spark":
        # Whole numbers, when the values are: no "0.5 notes".
        counts = all(isinstance(v, int) for v in values)
        parts = (0, 2) if counts and top_value % 2 else (0, 1, 2)
        y_ticks = tuple(
            Tick(left - 6, y_of(top_value * part / 2), _number(top_value * part / 2))
            for part in parts
        )
    plot = (left, width - right)
    return Chart(
        kind, title, description, label_axis, labels, values, unit, width, height, plot, marks,
        x_ticks, y_ticks,
    )  # fmt: skip


def _nice_ceiling(value: float) -> float:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
    power of ten) that is at least `value`, and at least 1: the axis' top."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(f * power for f in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if f * power >= value)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
