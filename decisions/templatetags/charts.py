"""``{% load charts %}``: the SVG charts of :mod:`decisions.charts` in templates.

The tags take what views already hand to templates (a
:class:`~decisions.presentation.FunctionSummary`, or the overview's
``(function, summary)`` rows) and return the SVG marked safe: the chart
module escapes every piece of text it draws.

    {% scores_chart summary %}
    {% contributions_chart summary width=560 %}
    {% portfolio_chart rows %}            {# points link to each result page #}
    {% portfolio_chart rows link=False %} {# e.g. in the PDF #}

The ``*_data`` helpers build the chart inputs and are usable without templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from decisions import charts

register = template.Library()

# Charts shrink with a narrow column but never grow beyond their drawn size.
CSS_CLASS = "img-fluid"


def scores_data(summary: Any) -> list[tuple[str, str, float]]:
    """``(label, model_slug, score)`` for each scored model, best first."""
    return [(line.abbreviation, line.slug, line.score) for line in summary.ranking]


def contribution_models(summary: Any) -> list[tuple[str, str]]:
    """The scored models of a summary's snapshot, in catalogue order: ``(slug, label)``."""
    scored = [
        (slug, str(model.get("abbreviation", slug)))
        for slug, model in summary.models.items()
        if model.get("is_scored", True)
    ]
    return scored or [(line.slug, line.abbreviation) for line in summary.ranking]


def contributions_data(summary: Any) -> list[tuple[str, dict[str, float]]]:
    """``(criterion name, {model_slug: contribution})`` per scored criterion."""
    return [(row["name"], dict(row["per_model"])) for row in summary.contributions]


def portfolio_points(
    rows: Iterable[tuple[Any, Any]], *, link: bool = True
) -> list[tuple[str, float, float, str, str]]:
    """One point per function with a recommendation: KPO minus BPO score against margin."""
    points = []
    for function, summary in rows:
        if summary is None:
            continue
        scores = {line.slug: line.score for line in summary.ranking}
        x = scores.get("kpo", 0.0) - scores.get("bpo", 0.0)
        href = reverse("decisions:function-result", args=[function.pk]) if link else ""
        points.append((function.name, x, summary.margin, summary.recommended.slug, href))
    return points


def portfolio_labels(rows: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for _function, summary in rows:
        if summary is not None:
            labels.setdefault(summary.recommended.slug, summary.recommended.abbreviation)
    return labels


@register.filter
def model_abbreviation(slug: str | None, summary: Any) -> str:
    """``{{ slug|model_abbreviation:summary }}``: "kpo" -> "KPO", as the snapshot names it."""
    return str(summary.abbreviation(slug))


@register.filter
def plain_number(value: Any) -> str:
    """``{{ 4.8|plain_number }}`` -> "4.8", 3.0 -> "3", 3.25 -> "3.25" (at most two decimals)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return f"{number:.2f}".rstrip("0").rstrip(".")


@register.simple_tag
def scores_chart(summary: Any, width: int = 480) -> SafeString:
    return mark_safe(charts.scores_chart(scores_data(summary), width=width, css_class=CSS_CLASS))


@register.simple_tag
def contributions_chart(summary: Any, width: int = 640) -> SafeString:
    svg = charts.contributions_chart(
        contributions_data(summary), contribution_models(summary), width=width, css_class=CSS_CLASS
    )
    return mark_safe(svg)


@register.simple_tag
def portfolio_chart(
    rows: Iterable[tuple[Any, Any]], width: int = 640, height: int = 400, link: bool = True
) -> SafeString:
    rows = list(rows)
    svg = charts.portfolio_chart(
        portfolio_points(rows, link=link),
        width=width,
        height=height,
        model_labels=portfolio_labels(rows),
        css_class=CSS_CLASS,
    )
    return mark_safe(svg)
