"""Chart geometry: plain data in, positions and sizes out (no Django import, no markup).

The SVG markup lives in ``templates/charts/*.svg`` (autoescaped, translatable);
``decisions/templatetags/charts.py`` feeds them the geometry computed here, for
the web pages and the PDF alike. Every number a chart draws is decided in this
module, in small functions tested on their own (``tests/test_charts.py``).

Readability in black and white: each sourcing model has a colour *and* a hatch
pattern (bars) or its own column (portfolio), and every value is also written
as text.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from decisions.formatting import decimal_points, plain_number, points
from decisions.vocabulary import BPO, IN_HOUSE, KPO, LPO

FONT = "DejaVu Sans, sans-serif"
INK = "#1c2430"
MUTED = "#5b6573"
GRID = "#dde1e6"
TRACK = "#eef0f3"
FALLBACK_COLOUR = "#5b6573"

MODEL_COLOURS: dict[str, str] = {
    BPO: "#1f5fa8",
    KPO: "#12806e",
    LPO: "#6b3fa0",
    IN_HOUSE: "#b26b00",
}
# Hatch pattern per model (drawn by templates/charts/patterns.svg).
MODEL_PATTERNS: dict[str, str] = {
    BPO: "diagonal",
    KPO: "dots",
    LPO: "cross",
    IN_HOUSE: "horizontal",
}
# Average glyph width of DejaVu Sans as a fraction of the font size (for layout only).
GLYPH = 0.6

type Ranking = Sequence[tuple[str, str, float]]
type ContributionRows = Sequence[tuple[str, Mapping[str, float]]]


class ChartError(ValueError):
    """Chart input a chart refuses to draw (e.g. a link that leaves the page's site)."""


# ---- small helpers ----------------------------------------------------------------------


def r1(value: float) -> float:
    """A coordinate rounded to a tenth of a pixel (templates print it as is)."""
    rounded = round(value, 1)
    return 0.0 if rounded == 0 else rounded


def clamp(value: float, low: float, high: float) -> float:
    if not math.isfinite(value):
        return low
    return max(low, min(high, value))


def colour(slug: str) -> str:
    return MODEL_COLOURS.get(slug, FALLBACK_COLOUR)


def text_width(text: str, size: float) -> float:
    return len(text) * size * GLYPH


def truncate(text: str, size: float, room: float) -> str:
    """``text`` cut with an ellipsis to fit ``room`` pixels at ``size``."""
    if text_width(text, size) <= room:
        return text
    keep = max(1, int(room / (size * GLYPH)) - 1)
    return text[:keep].rstrip() + "\u2026"


def chart_id(kind: str, data: object) -> str:
    """A deterministic element-id prefix, distinct for different data on one page."""
    digest = hashlib.sha256(repr(data).encode()).hexdigest()[:8]
    return f"chart-{kind}-{digest}"


def safe_href(href: str) -> str:
    """A link target inside the site: a fragment or an absolute path, never another origin."""
    if not href:
        return ""
    if href.startswith("#") or (href.startswith("/") and not href.startswith("//")):
        if "\\" in href or any(ord(c) < 32 for c in href):
            raise ChartError(f"refused chart link {href!r}")
        return href
    raise ChartError(f"chart links must be relative to the site; refused {href!r}")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is >= value (value > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-12:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Swatch:
    """A model's fill: its colour and hatch pattern (for the patterns template)."""

    slug: str
    label: str
    colour: str
    pattern: str
    pattern_id: str


def swatches(prefix: str, models: Sequence[tuple[str, str]]) -> list[Swatch]:
    seen: dict[str, Swatch] = {}
    for slug, label in models:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in slug) or "model"
        seen.setdefault(
            slug,
            Swatch(
                slug, label, colour(slug), MODEL_PATTERNS.get(slug, "plain"), f"{prefix}-{safe}"
            ),
        )
    return list(seen.values())


# ---- scores -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    name: str  # in full, for the title and description
    label: str  # cut to fit beside the bar
    slug: str
    points: int  # 0..100
    y: float
    width: float
    text_y: float
    value_x: float
    leading: bool
    fill: Swatch


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ScoresChart:
    id: str
    width: float
    height: float
    left: float
    plot_width: float
    top: float
    axis_y: float
    bar_height: float
    label_size: float
    bars: list[Bar]
    ticks: list[Tick]
    swatches: list[Swatch]

    @property
    def tick_label_y(self) -> float:
        return r1(self.axis_y + 14)

    @property
    def label_x(self) -> float:
        return r1(self.left - 8)


def scores_chart(ranking: Ranking, *, width: int = 480) -> ScoresChart:
    """One horizontal bar per model, in the order given, with its score out of 100.

    ``ranking`` holds ``(label, model_slug, score)`` with ``score`` in 0..1
    (clamped); the first entry is the leader (bold).
    """
    rows = [(str(label), str(slug), clamp(float(score), 0, 1)) for label, slug, score in ranking]
    prefix = chart_id("scores", (rows, width))
    size = 13.0
    label_w = clamp(max((text_width(r[0], size) for r in rows), default=30) + 12, 48, width * 0.35)
    value_w, right, top, row_h, bar_h = 40, 12, 8, 32, 18
    plot_w = max(40.0, width - label_w - value_w - right)
    axis_y = top + row_h * len(rows) + 2
    fills = {s.slug: s for s in swatches(prefix, [(slug, label) for label, slug, _ in rows])}
    bars = []
    for index, (label, slug, score) in enumerate(rows):
        y = top + row_h * index + (row_h - bar_h) / 2
        bar_w = plot_w * score
        bars.append(
            Bar(
                name=label,
                label=truncate(label, size, label_w - 12),
                slug=slug,
                points=points(score),
                y=r1(y),
                width=r1(bar_w),
                text_y=r1(y + bar_h / 2 + 4.5),
                value_x=r1(label_w + bar_w + 6),
                leading=index == 0,
                fill=fills[slug],
            )
        )
    return ScoresChart(
        id=prefix,
        width=width,
        height=r1(axis_y + 22),
        left=r1(label_w),
        plot_width=r1(plot_w),
        top=top,
        axis_y=r1(axis_y),
        bar_height=bar_h,
        label_size=size,
        bars=bars,
        ticks=[Tick(r1(label_w + plot_w * t), str(points(t))) for t in (0, 0.5, 1)],
        swatches=list(fills.values()),
    )


# ---- contributions ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContributionBar:
    label: str
    y: float
    width: float
    text_x: float
    text_y: float
    value: str  # points with one decimal
    fill: Swatch


@dataclass(frozen=True)
class ContributionGroup:
    name: str
    label: str  # truncated for the axis
    y: float
    label_y: float
    separator_y: float | None
    bars: list[ContributionBar]
    favoured: str


@dataclass(frozen=True)
class ContributionsChart:
    id: str
    width: float
    height: float
    left: float
    plot_width: float
    top: float
    axis_y: float
    bar_height: float
    groups: list[ContributionGroup]
    ticks: list[Tick]
    swatches: list[Swatch]
    legend: list[LegendEntry] = field(default_factory=list)

    @property
    def grid_top(self) -> float:
        return r1(self.top - 4)

    @property
    def tick_label_y(self) -> float:
        return r1(self.axis_y + 13)

    @property
    def axis_title_y(self) -> float:
        return r1(self.axis_y + 28)

    @property
    def label_x(self) -> float:
        return r1(self.left - 10)


@dataclass(frozen=True)
class LegendEntry:
    x: float
    text_x: float
    swatch: Swatch


def contributions_chart(
    rows: ContributionRows, models: Sequence[tuple[str, str]], *, width: int = 640
) -> ContributionsChart:
    """Per criterion, one bar per model: the points it adds to that model's score.

    ``rows`` holds ``(criterion name, {model_slug: contribution in 0..1})``;
    ``models`` gives the order and labels ``(slug, label)`` of bars and legend.
    """
    data = [(str(name), {str(k): float(v) for k, v in values.items()}) for name, values in rows]
    model_list = [(str(slug), str(label)) for slug, label in models]
    prefix = chart_id("contributions", (data, model_list, width))
    size = 12.0
    label_w = clamp(
        max((text_width(name, size) for name, _v in data), default=60) + 14, 90, width * 0.42
    )
    value_w, right = 38, 10
    plot_w = max(60.0, width - label_w - value_w - right)
    bar_h, bar_gap, group_gap = 10, 2, 12
    group_h = len(model_list) * (bar_h + bar_gap) - bar_gap
    top = 26 + 6
    axis_y = top + len(data) * (group_h + group_gap)
    largest = max((clamp(v, 0, 1) for _n, values in data for v in values.values()), default=0.0)
    scale_max = nice_ceiling(largest * 100) / 100 if largest > 0 else 0.1
    fills = swatches(prefix, model_list)
    legend = []
    x = 2.0
    for swatch in fills:
        legend.append(LegendEntry(r1(x), r1(x + 17), swatch))
        x += 17 + text_width(swatch.label, 11) + 16
    groups = []
    for index, (name, values) in enumerate(data):
        gy = top + index * (group_h + group_gap)
        bars = []
        for k, swatch in enumerate(fills):
            value = clamp(values.get(swatch.slug, 0.0), 0, 1)
            bar_w = plot_w * min(value / scale_max, 1)
            by = gy + k * (bar_h + bar_gap)
            bars.append(
                ContributionBar(
                    label=swatch.label,
                    y=r1(by),
                    width=r1(bar_w),
                    text_x=r1(label_w + bar_w + 4),
                    text_y=r1(by + bar_h - 1.5),
                    value=decimal_points(value),
                    fill=swatch,
                )
            )
        favoured = max(fills, key=lambda s: values.get(s.slug, 0.0)).label if fills else ""
        groups.append(
            ContributionGroup(
                name=name,
                label=truncate(name, size, label_w - 14),
                y=r1(gy),
                label_y=r1(gy + group_h / 2 + 4),
                separator_y=r1(gy - group_gap / 2) if index else None,
                bars=bars,
                favoured=favoured,
            )
        )
    ticks = [
        Tick(r1(label_w + plot_w * t), plain_number(scale_max * t * 100, places=1))
        for t in (0, 0.5, 1)
    ]
    return ContributionsChart(
        id=prefix,
        width=width,
        height=r1(axis_y + 34),
        left=r1(label_w),
        plot_width=r1(plot_w),
        top=top,
        axis_y=r1(axis_y),
        bar_height=bar_h,
        groups=groups,
        ticks=ticks,
        swatches=fills,
        legend=legend,
    )


# ---- portfolio ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioItem:
    """One function on the portfolio grid."""

    number: int
    name: str
    model: str  # slug of the column it goes in
    band: str  # slug of the row it goes in
    href: str = ""


@dataclass(frozen=True)
class Marker:
    number: int
    name: str
    x: float
    y: float
    href: str
    fill: str
    stroke: str
    ink: str

    @property
    def text_x(self) -> float:
        return r1(self.x + MARKER / 2)

    @property
    def text_y(self) -> float:
        return r1(self.y + MARKER / 2 + 4)


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    width: float
    height: float
    markers: list[Marker]
    column: str
    row: str
    fill: str
    column_label: str
    row_label: str


@dataclass(frozen=True)
class Heading:
    x: float
    y: float
    label: str
    slug: str
    colour: str = INK


@dataclass(frozen=True)
class PortfolioChart:
    id: str
    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    columns: list[Heading]
    rows: list[Heading]
    cells: list[Cell]
    marker_size: float
    count: int


MARKER = 22.0  # a numbered marker's side
MARKER_GAP = 4.0
SHADE = "#fbefd6"


def portfolio_chart(
    items: Sequence[PortfolioItem],
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, str]],
    *,
    width: int = 640,
    shaded_row: str | None = None,
) -> PortfolioChart:
    """A grid of sourcing model (columns) by confidence band (rows), one numbered marker
    per function in its cell. No function is ever hidden: cells grow to hold them.

    ``columns`` and ``rows`` are ``(slug, label)`` in display order; an item whose
    model or band is not among them is refused (it would silently vanish).
    ``shaded_row`` (the close calls) gets a tinted background and hollow markers.
    """
    column_slugs = [slug for slug, _label in columns]
    row_slugs = [slug for slug, _label in rows]
    for item in items:
        if item.model not in column_slugs or item.band not in row_slugs:
            raise ChartError(f"no cell for {item.name!r} ({item.model}, {item.band})")
    prefix = chart_id("portfolio", (list(items), list(columns), list(rows), width, shaded_row))
    left = clamp(max((text_width(label, 11) for _s, label in rows), default=40) + 16, 70, 150)
    top = 28.0
    plot_w = width - left - 4
    cell_w = plot_w / max(1, len(columns))
    per_line = max(1, int((cell_w - MARKER_GAP) // (MARKER + MARKER_GAP)))
    placed: dict[tuple[str, str], list[PortfolioItem]] = {}
    for item in items:
        placed.setdefault((item.model, item.band), []).append(item)
    row_heights = []
    for row in row_slugs:
        fullest = max((len(placed.get((col, row), [])) for col in column_slugs), default=0)
        lines = max(1, math.ceil(fullest / per_line))
        row_heights.append(lines * (MARKER + MARKER_GAP) + MARKER_GAP + 8)
    column_labels = dict(columns)
    cells = []
    y = top
    row_headings = []
    for (row, label), height in zip(rows, row_heights, strict=True):
        row_headings.append(Heading(r1(left - 8), r1(y + height / 2 + 4), label, row))
        for c, column in enumerate(column_slugs):
            x = left + c * cell_w
            members = placed.get((column, row), [])
            markers = [
                Marker(
                    number=item.number,
                    name=item.name,
                    x=r1(x + MARKER_GAP + 2 + (k % per_line) * (MARKER + MARKER_GAP)),
                    y=r1(y + MARKER_GAP + 4 + (k // per_line) * (MARKER + MARKER_GAP)),
                    href=safe_href(item.href),
                    # Close calls are hollow: the difference survives black-and-white print.
                    fill="#ffffff" if row == shaded_row else colour(column),
                    stroke=colour(column),
                    ink=INK if row == shaded_row else "#ffffff",
                )
                for k, item in enumerate(members)
            ]
            fill = SHADE if row == shaded_row else "#ffffff"
            cells.append(
                Cell(
                    r1(x),
                    r1(y),
                    r1(cell_w),
                    r1(height),
                    markers,
                    column,
                    row,
                    fill,
                    column_labels[column],
                    label,
                )
            )
        y += height
    column_headings = [
        Heading(r1(left + c * cell_w + cell_w / 2), top - 10, label, slug, colour(slug))
        for c, (slug, label) in enumerate(columns)
    ]
    return PortfolioChart(
        id=prefix,
        width=width,
        height=r1(y + 4),
        left=r1(left),
        top=top,
        plot_width=r1(plot_w),
        plot_height=r1(y - top),
        columns=column_headings,
        rows=row_headings,
        cells=cells,
        marker_size=MARKER,
        count=len(items),
    )
