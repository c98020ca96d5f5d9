"""Bar charts drawn on the server as SVG: the layout here, the drawing in
``templates/participation/includes/chart.html`` (``role="img"``, a title and a description, each series
with a pattern of its own as well as a shade, every bar labelled with its number, the numbers as a table
beside). No data access: the dashboard's view hands in rows of numbers.

Horizontal bars, one row per label: ``stacked`` puts a row's series end to end (votes by channel), else each
series gets a bar of its own under the label (contributions and votes per day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
LABEL_WIDTH = 230  # the labels' column; longer labels are shortened in the chart (the table has them whole)
LABEL_CHARACTERS = 27
NUMBER_WIDTH = 56  # room for the number after the longest bar
BAR_HEIGHT = 18
ROW_GAP = 12
LEGEND_HEIGHT = 34
# Fill and pattern per series, in order: dark shades on white (contrast 7:1 and more), told apart by the
# pattern drawn over them (none, stripes, dots, cross-hatching) and by the legend, never by colour alone.
SERIES_STYLES = (("#1d4f91", "solid"), ("#7a3b00", "stripes"), ("#1e5e3a", "dots"), ("#5a2a6e", "cross"))


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    value: int
    fill: str
    pattern: str


@dataclass(frozen=True)
class Row:
    label: str
    short_label: str
    values: list[int]
    total: int
    href: str | None
    label_y: float
    segments: list[Segment]
    numbers: list[tuple[float, float, int]]  # (x, y, number) written after each bar


@dataclass(frozen=True)
class Series:
    label: str
    fill: str
    pattern: str
    swatch_x: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    row_heading: str  # the table's first column
    series: list[Series]
    rows: list[Row]
    stacked: bool
    width: int = WIDTH
    height: float = 0
    label_width: int = LABEL_WIDTH

    @property
    def show_total(self) -> bool:
        return self.stacked and len(self.series) > 1


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    row_heading: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int], str | None]],
    stacked: bool = False,
) -> Chart:
    """A chart of ``rows`` (label, a number per series, an optional link) in ``series`` (their names)."""
    per_row = 1 if stacked else len(series)
    row_height = per_row * BAR_HEIGHT + ROW_GAP
    top = LEGEND_HEIGHT
    span = WIDTH - LABEL_WIDTH - NUMBER_WIDTH
    largest = max((sum(values) if stacked else max(values, default=0) for _l, values, _h in rows), default=0)
    scale = span / largest if largest else 0
    styles = [SERIES_STYLES[i % len(SERIES_STYLES)] for i in range(len(series))]
    laid_out = []
    for index, (label, values, href) in enumerate(rows):
        y0 = top + index * row_height
        segments, numbers = [], []
        x = LABEL_WIDTH
        for number, value in enumerate(values):
            y = y0 if stacked else y0 + number * BAR_HEIGHT
            width = value * scale
            if value:
                segments.append(Segment(x, y, width, BAR_HEIGHT - 2, value, *styles[number]))
            if stacked:
                x += width
            else:
                numbers.append((LABEL_WIDTH + width + 4, y + BAR_HEIGHT - 5, value))
        if stacked:
            numbers.append((x + 4, y0 + BAR_HEIGHT - 5, sum(values)))
        label_y = y0 + (per_row * BAR_HEIGHT) / 2 + 4
        laid_out.append(Row(label, _short(label), list(values), sum(values), href, label_y, segments, numbers))
    legend = [Series(name, *styles[i], swatch_x=i * 175) for i, name in enumerate(series)]
    height = top + len(rows) * row_height + 4
    return Chart(id, title, description, row_heading, legend, laid_out, stacked, height=height)
