"""Server-side SVG charts: plain data in, SVG markup (a ``str``) out.

Pure (no Django import) so the web pages and the PDF report draw the same
charts. The site's Content-Security-Policy forbids inline styles, so every
chart uses SVG presentation attributes only (``fill``, ``stroke``,
``font-size``...), never ``style=`` or a ``<style>`` element.

Every chart:

- is readable in black and white: besides its colour, each sourcing model has
  its own hatch pattern (bars) or marker shape (points), and text labels;
- is accessible: ``role="img"`` with a ``<title>`` and a ``<desc>`` that
  summarise the data in words;
- escapes every piece of text it is given;
- is deterministic: the same data gives the same bytes. Element ids are
  prefixed with a hash of the data so that several charts can sit on one page;
  pass ``id_prefix`` to choose the prefix.

API (stable; the PDF report uses it too):

- :func:`scores_chart` — horizontal bar per model with its score ("KPO 72").
- :func:`contributions_chart` — each criterion's contribution to each model.
- :func:`portfolio_chart` — functions placed by KPO-minus-BPO score against
  confidence, coloured and shaped by recommended model.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape

__all__ = [
    "MODEL_COLOURS",
    "MODEL_LABELS",
    "contributions_chart",
    "portfolio_chart",
    "scores_chart",
]

FONT = "DejaVu Sans, sans-serif"
INK = "#1c2430"
MUTED = "#5b6573"
GRID = "#dde1e6"
TRACK = "#eef0f3"
FALLBACK_COLOUR = "#5b6573"
BORDERLINE_MARGIN = 0.05

MODEL_COLOURS: dict[str, str] = {
    "bpo": "#1f5fa8",
    "kpo": "#12806e",
    "lpo": "#6b3fa0",
    "in-house": "#b26b00",
}
MODEL_LABELS: dict[str, str] = {"bpo": "BPO", "kpo": "KPO", "lpo": "LPO", "in-house": "In-house"}
# Marker shapes for the portfolio chart: shape, not only colour, tells models apart.
MODEL_MARKERS: dict[str, str] = {
    "bpo": "circle",
    "kpo": "square",
    "lpo": "diamond",
    "in-house": "triangle",
}
# Average glyph width of DejaVu Sans as a fraction of the font size (for layout only).
GLYPH = 0.6

type Ranking = Sequence[tuple[str, str, float]]
type ContributionRows = Sequence[tuple[str, Mapping[str, float]]]
type Point = tuple[str, float, float, str, str]


# ---- helpers ------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing ``.0``, never ``-0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _points(value: float) -> str:
    """A 0..1 score as whole points out of 100."""
    return str(round(value * 100))


def _signed_points(value: float) -> str:
    points = round(value * 100)
    if points > 0:
        return f"+{points}"
    if points < 0:
        return f"\u2212{-points}"
    return "0"


def _clamp(value: float, low: float, high: float) -> float:
    if not math.isfinite(value):
        return low
    return max(low, min(high, value))


def _colour(slug: str) -> str:
    return MODEL_COLOURS.get(slug, FALLBACK_COLOUR)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * GLYPH


def _truncate(text: str, size: float, room: float) -> str:
    if _text_width(text, size) <= room:
        return text
    keep = max(1, int(room / (size * GLYPH)) - 1)
    return text[:keep].rstrip() + "\u2026"


def _prefix(kind: str, data: object, id_prefix: str | None) -> str:
    if id_prefix:
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in id_prefix)
    digest = hashlib.sha256(repr(data).encode()).hexdigest()[:8]
    return f"chart-{kind}-{digest}"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 12,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
    extra: str = "",
) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-family="{FONT}" font-size="{_n(size)}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    return f"<text {attrs}{extra}>{_e(content)}</text>"


def _pattern(pid: str, slug: str) -> str:
    """A hatch pattern in the model's colour, so bars differ in greyscale too."""
    colour = _colour(slug)
    base = f'<rect width="8" height="8" fill="{colour}"/>'
    light = 'stroke="#ffffff" stroke-opacity="0.6"'
    if slug == "bpo":  # diagonal lines
        marks = f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" {light} stroke-width="1.6"/>'
    elif slug == "kpo":  # dots
        marks = '<circle cx="2" cy="2" r="1.3" fill="#ffffff" fill-opacity="0.65"/>'
        marks += '<circle cx="6" cy="6" r="1.3" fill="#ffffff" fill-opacity="0.65"/>'
    elif slug == "lpo":  # cross-hatch
        marks = f'<path d="M0,0 l8,8 M8,0 l-8,8" {light} stroke-width="1.2"/>'
    elif slug == "in-house":  # horizontal lines
        marks = f'<path d="M0,2 h8 M0,6 h8" {light} stroke-width="1.4"/>'
    else:  # plain
        marks = ""
    return (
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f"{base}{marks}</pattern>"
    )


def _defs(prefix: str, slugs: Iterable[str]) -> str:
    patterns = "".join(_pattern(f"{prefix}-fill-{_slug_id(s)}", s) for s in _unique(slugs))
    return f"<defs>{patterns}</defs>" if patterns else ""


def _slug_id(slug: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in slug) or "model"


def _fill(prefix: str, slug: str) -> str:
    return f"url(#{prefix}-fill-{_slug_id(slug)})"


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def _svg(
    prefix: str,
    kind: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: Iterable[str],
    css_class: str,
) -> str:
    classes = " ".join(_unique(["chart", f"chart-{kind}", *css_class.split()]))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_e(classes)}" '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="{FONT}">'
        f'<title id="{prefix}-title">{_e(title)}</title>'
        f'<desc id="{prefix}-desc">{_e(desc)}</desc>'
    )
    return head + "".join(body) + "</svg>"


def _legend_swatch(prefix: str, x: float, y: float, slug: str, label: str) -> tuple[str, float]:
    """A patterned square and its label; returns the markup and the width used."""
    markup = (
        f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="12" height="12" fill="{_fill(prefix, slug)}" '
        f'stroke="{_colour(slug)}" stroke-width="1"/>'
    ) + _text(x + 17, y, label, size=11)
    return markup, 17 + _text_width(label, 11) + 16


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is >= value (value > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-12:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


# ---- scores -------------------------------------------------------------------


def scores_chart(
    ranking: Ranking,
    *,
    width: int = 480,
    title: str = "Score per model",
    id_prefix: str | None = None,
    css_class: str = "",
) -> str:
    """Horizontal bars, one per model, in the order given, each with its score out of 100.

    ``ranking`` holds ``(label, model_slug, score)`` with ``score`` in 0..1
    (clamped when drawn). The first entry is drawn as the winner (bold label).
    """
    rows = [(str(label), str(slug), float(score)) for label, slug, score in ranking]
    prefix = _prefix("scores", (rows, width, title), id_prefix)
    size = 13
    label_w = _clamp(
        max((_text_width(r[0], size) for r in rows), default=30) + 12, 48, width * 0.35
    )
    value_w = 40
    left, right, top, row_h, bar_h = label_w, 12, 8, 32, 18
    plot_w = max(40.0, width - left - value_w - right)
    axis_y = top + row_h * len(rows) + 2
    height = axis_y + 22

    body = [_defs(prefix, (r[1] for r in rows))]
    for tick in (0, 0.5, 1):  # light grid with 0 / 50 / 100
        x = left + plot_w * tick
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(axis_y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(x, axis_y + 14, _points(tick), size=10, anchor="middle", fill=MUTED))
    for index, (label, slug, score) in enumerate(rows):
        y = top + row_h * index + (row_h - bar_h) / 2
        value = _clamp(score, 0, 1)
        bar_w = plot_w * value
        middle = y + bar_h / 2 + 4.5
        body.append(
            f"<g><title>{_e(f'{label}: {_points(value)} out of 100')}</title>"
            f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(plot_w)}" height="{_n(bar_h)}" '
            f'fill="{TRACK}"/>'
            f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(bar_w)}" height="{_n(bar_h)}" '
            f'fill="{_fill(prefix, slug)}" stroke="{_colour(slug)}" stroke-width="1"/>'
            + _text(
                left - 8,
                middle,
                _truncate(label, size, label_w - 12),
                size=size,
                anchor="end",
                weight="bold" if index == 0 else None,
            )
            + _text(
                left + bar_w + 6,
                middle,
                _points(value),
                size=size,
                weight="bold" if index == 0 else None,
            )
            + "</g>"
        )
    desc = (
        "; ".join(f"{label} {_points(_clamp(score, 0, 1))} out of 100" for label, _s, score in rows)
        if rows
        else "No scores."
    )
    if rows:
        desc += f". Highest: {rows[0][0]}."
    return _svg(prefix, "scores", width, height, title, desc, body, css_class)


# ---- contributions ------------------------------------------------------------------


def contributions_chart(
    rows: ContributionRows,
    models: Sequence[tuple[str, str]],
    *,
    width: int = 640,
    title: str = "Contribution of each criterion to each model's score",
    id_prefix: str | None = None,
    css_class: str = "",
) -> str:
    """Grouped horizontal bars: per criterion, one bar per model, in points out of 100.

    ``rows`` holds ``(criterion name, {model_slug: contribution})`` with
    contributions as fractions of the whole score (summed over the criteria
    they give each model's 0..1 score). ``models`` gives the order and labels
    ``(slug, label)`` of the bars and of the legend.
    """
    data = [(str(name), {str(k): float(v) for k, v in values.items()}) for name, values in rows]
    model_list = [(str(slug), str(label)) for slug, label in models]
    prefix = _prefix("contributions", (data, model_list, width, title), id_prefix)
    size, small = 12, 10
    label_w = _clamp(
        max((_text_width(name, size) for name, _v in data), default=60) + 14, 90, width * 0.42
    )
    value_w, right = 38, 10
    plot_w = max(60.0, width - label_w - value_w - right)
    bar_h, bar_gap, group_gap = 10, 2, 12
    legend_h = 26
    group_h = len(model_list) * (bar_h + bar_gap) - bar_gap
    top = legend_h + 6
    axis_y = top + len(data) * (group_h + group_gap)
    height = axis_y + 34
    largest = max((_clamp(v, 0, 1) for _name, values in data for v in values.values()), default=0.0)
    scale_max = _nice_ceiling(largest * 100) / 100 if largest > 0 else 0.1

    body = [_defs(prefix, (slug for slug, _label in model_list))]
    x = 0.0
    for slug, label in model_list:  # legend
        swatch, used = _legend_swatch(prefix, x + 2, 16, slug, label)
        body.append(swatch)
        x += used
    for tick in (0, 0.5, 1):
        gx = label_w + plot_w * tick
        body.append(
            f'<line x1="{_n(gx)}" y1="{_n(top - 4)}" x2="{_n(gx)}" y2="{_n(axis_y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(
                gx,
                axis_y + 13,
                _n(scale_max * tick * 100),
                size=small,
                anchor="middle",
                fill=MUTED,
            )
        )
    body.append(
        _text(
            label_w + plot_w / 2,
            axis_y + 28,
            "Points added to the model's score (out of 100)",
            size=small,
            anchor="middle",
            fill=MUTED,
        )
    )
    for index, (name, values) in enumerate(data):
        gy = top + index * (group_h + group_gap)
        if index:
            sep = gy - group_gap / 2
            body.append(
                f'<line x1="0" y1="{_n(sep)}" x2="{_n(width)}" y2="{_n(sep)}" '
                f'stroke="{GRID}" stroke-width="0.6"/>'
            )
        group = [f"<g><title>{_e(name)}</title>"]
        group.append(
            _text(
                label_w - 10,
                gy + group_h / 2 + 4,
                _truncate(name, size, label_w - 14),
                size=size,
                anchor="end",
            )
        )
        for k, (slug, label) in enumerate(model_list):
            value = _clamp(values.get(slug, 0.0), 0, 1)
            by = gy + k * (bar_h + bar_gap)
            bar_w = plot_w * min(value / scale_max, 1)
            group.append(
                f'<rect x="{_n(label_w)}" y="{_n(by)}" width="{_n(bar_w)}" height="{bar_h}" '
                f'fill="{_fill(prefix, slug)}" stroke="{_colour(slug)}" stroke-width="0.8">'
                f"<title>{_e(f'{name} — {label}: {_fmt_points(value)} points')}</title></rect>"
            )
            group.append(
                _text(
                    label_w + bar_w + 4,
                    by + bar_h - 1.5,
                    _fmt_points(value),
                    size=small,
                    fill=MUTED,
                )
            )
        group.append("</g>")
        body.append("".join(group))

    if data and model_list:
        parts = []
        for name, values in data:
            favoured = max(model_list, key=lambda m: values.get(m[0], 0.0))
            listed = ", ".join(
                f"{label} {_fmt_points(_clamp(values.get(slug, 0.0), 0, 1))}"
                for slug, label in model_list
            )
            parts.append(f"{name}: {listed} (most to {favoured[1]})")
        desc = "Points each criterion adds to each model. " + "; ".join(parts) + "."
    else:
        desc = "No contributions."
    return _svg(prefix, "contributions", width, height, title, desc, body, css_class)


def _fmt_points(value: float) -> str:
    """A 0..1 contribution as points out of 100 with one decimal."""
    text = f"{value * 100:.1f}"
    return "0" if text in {"0.0", "-0.0"} else text


# ---- portfolio ----------------------------------------------------------------------


def _marker(shape: str, x: float, y: float, fill: str) -> str:
    common = f'fill="{fill}" stroke="#ffffff" stroke-width="1.5"'
    if shape == "square":
        return f'<rect x="{_n(x - 5.5)}" y="{_n(y - 5.5)}" width="11" height="11" {common}/>'
    if shape == "diamond":
        d = (
            f"M{_n(x)},{_n(y - 7.5)} L{_n(x + 7.5)},{_n(y)} "
            f"L{_n(x)},{_n(y + 7.5)} L{_n(x - 7.5)},{_n(y)} Z"
        )
        return f'<path d="{d}" {common}/>'
    if shape == "triangle":
        d = f"M{_n(x)},{_n(y - 7.5)} L{_n(x + 7)},{_n(y + 5.5)} L{_n(x - 7)},{_n(y + 5.5)} Z"
        return f'<path d="{d}" {common}/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="6" {common}/>'


def _domain(largest: float, steps: Sequence[float]) -> float:
    """The first of ``steps`` leaving a little room beyond ``largest``."""
    for step in steps:
        if largest * 1.08 <= step:
            return step
    return steps[-1]


def _overlaps(
    box: tuple[float, float, float, float], placed: list[tuple[float, float, float, float]]
) -> bool:
    x1, y1, x2, y2 = box
    return any(x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2 for b in placed)


def portfolio_chart(
    points: Sequence[Point],
    *,
    width: int = 640,
    height: int = 400,
    title: str = "Portfolio: where each function sits between BPO and KPO",
    model_labels: Mapping[str, str] | None = None,
    id_prefix: str | None = None,
    css_class: str = "",
) -> str:
    """Functions placed by ``x`` (KPO score minus BPO score, -1..1: left is BPO-like,
    right KPO-like) against ``y`` (confidence: the margin to the runner-up, 0..1).

    ``points`` holds ``(label, x, y, model_slug, href)``; a non-empty ``href``
    makes the point a link (kept out of the tab order: the page lists the same
    links as text). The axes zoom to the data in fixed steps (±20, ±50, ±100
    points; 20, 50, 100 points) so small differences stay visible. Margins
    under 5 points lie in the shaded "borderline" band.
    """
    labels = {**MODEL_LABELS, **(model_labels or {})}
    data = [
        (str(label), _clamp(float(x), -1, 1), _clamp(float(y), 0, 1), str(slug), str(href or ""))
        for label, x, y, slug, href in points
    ]
    prefix = _prefix("portfolio", (data, width, height, title, sorted(labels.items())), id_prefix)
    small, size = 10, 11
    legend_h = 24
    left, right, top, bottom = 56, 14, legend_h + 10, 50
    plot_w = width - left - right
    plot_h = height - top - bottom
    x_max = _domain(max((abs(p[1]) for p in data), default=0), (0.2, 0.5, 1.0))
    y_max = _domain(max((p[2] for p in data), default=0), (0.2, 0.5, 1.0))

    def px(x: float) -> float:
        return left + (x + x_max) / (2 * x_max) * plot_w

    def py(y: float) -> float:
        return top + plot_h - y / y_max * plot_h

    body: list[str] = []
    # Legend: marker shape + label, for the models on the chart (canonical order first).
    present = _unique(
        [s for s in MODEL_LABELS if any(p[3] == s for p in data)] + [p[3] for p in data]
    )
    lx = float(left)
    for slug in present:
        shape = MODEL_MARKERS.get(slug, "circle")
        body.append(_marker(shape, lx + 7, 12, _colour(slug)))
        name = labels.get(slug, slug)
        body.append(_text(lx + 18, 16, name, size=size))
        lx += 18 + _text_width(name, size) + 18
    band_words = "Borderline: margin under 5 points"
    body.append(
        f'<rect x="{_n(lx)}" y="6" width="14" height="12" fill="url(#{prefix}-band)" '
        f'stroke="#c9a35a" stroke-width="1"/>'
    )
    body.append(_text(lx + 19, 16, band_words, size=size, fill="#7a5200"))

    # Plot frame and the borderline band.
    band_top = py(min(BORDERLINE_MARGIN, y_max))
    body.append(
        f'<rect x="{left}" y="{top}" width="{_n(plot_w)}" height="{_n(plot_h)}" '
        f'fill="#ffffff" stroke="{GRID}" stroke-width="1"/>'
    )
    body.append(
        f'<defs><pattern id="{prefix}-band" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fbefd6"/>'
        f'<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#e0c48a" stroke-width="1"/>'
        f"</pattern></defs>"
        f'<rect x="{left}" y="{_n(band_top)}" width="{_n(plot_w)}" '
        f'height="{_n(top + plot_h - band_top)}" fill="url(#{prefix}-band)"/>'
    )
    # Fixed texts inside the plot; point labels keep clear of them.
    fixed: list[tuple[float, float, float, float]] = []

    def plot_text(
        x: float, y: float, words: str, anchor: str, fill: str, weight: str | None
    ) -> None:
        text_w = _text_width(words, small)
        x1 = x - text_w if anchor == "end" else x
        fixed.append((x1, y - 9, x1 + text_w, y + 3))
        body.append(_text(x, y, words, size=small, anchor=anchor, fill=fill, weight=weight))

    # Grid, ticks and axis titles.
    for tick in (-1, -0.5, 0, 0.5, 1):
        gx = px(tick * x_max)
        stroke = MUTED if tick == 0 else GRID
        dash = ' stroke-dasharray="4 3"' if tick == 0 else ""
        body.append(
            f'<line x1="{_n(gx)}" y1="{top}" x2="{_n(gx)}" y2="{_n(top + plot_h)}" '
            f'stroke="{stroke}" stroke-width="1"{dash}/>'
        )
        body.append(
            _text(
                gx,
                top + plot_h + 14,
                _signed_points(tick * x_max),
                size=small,
                anchor="middle",
                fill=MUTED,
            )
        )
    for tick in (0.5, 1):
        gy = py(tick * y_max)
        body.append(
            f'<line x1="{left}" y1="{_n(gy)}" x2="{_n(left + plot_w)}" y2="{_n(gy)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    for tick in (0, 0.5, 1):
        body.append(
            _text(
                left - 6,
                py(tick * y_max) + 3.5,
                _points(tick * y_max),
                size=small,
                anchor="end",
                fill=MUTED,
            )
        )
    body.append(
        _text(
            left + plot_w / 2,
            top + plot_h + 30,
            "\u2190 more BPO-like \u00b7 KPO score minus BPO score (points) "
            "\u00b7 more KPO-like \u2192",
            size=size,
            anchor="middle",
        )
    )
    ty = top + plot_h / 2
    body.append(
        _text(
            16,
            ty,
            "Confidence: margin over the runner-up (points)",
            size=size,
            anchor="middle",
            extra=f' transform="rotate(-90 16 {_n(ty)})"',
        )
    )
    # Quadrant labels: BPO-like left, KPO-like right; higher confidence above the middle.
    low_y = min(py(y_max / 2) + 13, band_top - 20)
    for qx, qy, anchor, words in (
        (left + 6, top + 13, "start", "Clearly BPO-like"),
        (left + plot_w - 6, top + 13, "end", "Clearly KPO-like"),
        (left + 6, low_y, "start", "Leaning BPO-like"),
        (left + plot_w - 6, low_y, "end", "Leaning KPO-like"),
    ):
        plot_text(qx, qy, words, anchor, MUTED, "bold")

    # Points drawn at (nearly) the same spot form a group: their markers sit side
    # by side and share one label. Each label goes where it overlaps nothing drawn
    # so far, or is left out (the tooltip, the description and the page's table
    # still name the function).
    spread, line_h = 11.0, 13.0

    def group_box(members: list[int]) -> tuple[float, float, float, float]:
        cx = sum(px(data[i][1]) for i in members) / len(members)
        cy = sum(py(data[i][2]) for i in members) / len(members)
        half = 8 + (len(members) - 1) * spread / 2
        return (cx - half, cy - 8, cx + half, cy + 8)

    # Merge groups whose markers would touch until none do (deterministic: by index).
    groups = [[index] for index in range(len(data))]
    boxes = [group_box(g) for g in groups]
    merged = True
    while merged:
        merged = False
        for a in range(len(groups)):
            grown = (boxes[a][0] - 2, boxes[a][1] - 2, boxes[a][2] + 2, boxes[a][3] + 2)
            b = next((b for b in range(a + 1, len(groups)) if _overlaps(grown, [boxes[b]])), None)
            if b is not None:
                groups[a] = sorted(groups[a] + groups.pop(b))
                boxes.pop(b)
                boxes[a] = group_box(groups[a])
                merged = True
                break
    layout = []
    for members, (x1, y1, x2, _y2) in zip(groups, boxes, strict=True):
        members.sort(key=lambda i: (data[i][1], i))  # markers left to right as on the axis
        layout.append((members, (x1 + x2) / 2, y1 + 8, (x2 - x1) / 2))
    markers = [(cx - half, cy - 8, cx + half, cy + 8) for _m, cx, cy, half in layout]
    taken: list[tuple[float, float, float, float]] = list(fixed)

    def link(href: str, content: str) -> str:
        return f'<a href="{_e(href)}" tabindex="-1">{content}</a>' if href else f"<g>{content}</g>"

    for number, (members, cx, cy, half) in enumerate(layout):
        # One line per function; a crowd of more than three shows two and a count.
        shown = members if len(members) <= 3 else members[:2]
        lines = [(_truncate(data[i][0], size, 170), data[i][4]) for i in shown]
        if len(shown) < len(members):
            lines.append((f"+ {len(members) - len(shown)} more", ""))
        text_w = max(_text_width(words, size) for words, _href in lines)
        box_h = line_h * len(lines)
        others = taken + markers[:number] + markers[number + 1 :]
        sides = (1, -1) if cx + half + 2 + text_w <= left + plot_w else (-1, 1)
        candidates = []
        for dy in (0, -12, 12):
            for side in sides:
                tx = cx + half + 2 if side == 1 else cx - half - 2 - text_w
                y1 = cy - box_h / 2 + dy - 1
                candidates.append((tx, y1, tx + text_w, y1 + box_h))
        box = next(
            (
                b
                for b in candidates
                if left <= b[0]
                and b[2] <= left + plot_w
                and top <= b[1]
                and b[3] <= top + plot_h
                and not _overlaps(b, others)
            ),
            None,
        )
        texts = []
        if box is not None:
            taken.append(box)
            texts = [
                _text(box[0], box[1] + 10 + k * line_h, words, size=size)
                for k, (words, _href) in enumerate(lines)
            ]
        for k, index in enumerate(members):
            label, x, y, slug, href = data[index]
            mx = cx + (k - (len(members) - 1) / 2) * spread
            tooltip = (
                f"{label}: {labels.get(slug, slug)}; KPO minus BPO {_signed_points(x)} points; "
                f"margin {_points(y)} points"
            )
            point = f"<title>{_e(tooltip)}</title>" + _marker(
                MODEL_MARKERS.get(slug, "circle"), mx, cy, _colour(slug)
            )
            if len(members) == 1:  # a lone point's label belongs to its link
                point += "".join(texts)
            body.append(link(href, point))
        if len(members) > 1:  # each line of a shared label links to its own function
            body.extend(
                link(href, text) for text, (_words, href) in zip(texts, lines, strict=False)
            )
    if not data:
        body.append(
            _text(
                left + plot_w / 2,
                top + plot_h / 2,
                "No function has a recommendation yet.",
                size=size + 1,
                anchor="middle",
                fill=MUTED,
            )
        )

    if data:
        by_model = []
        for slug in present:
            names = [p[0] for p in data if p[3] == slug]
            by_model.append(f"{labels.get(slug, slug)}: {', '.join(names)}")
        borderline = [p[0] for p in data if p[2] < BORDERLINE_MARGIN]
        count = len(data)
        desc = f"{count} function{'s' if count != 1 else ''}. " + "; ".join(by_model) + "."
        desc += (
            f" Borderline (needs expert review): {', '.join(borderline)}."
            if borderline
            else " None is borderline."
        )
    else:
        desc = "No function has a recommendation yet."
    return _svg(prefix, "portfolio", width, height, title, desc, body, css_class)
