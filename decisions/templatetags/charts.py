"""``{% load charts %}``: the SVG charts, drawn the same way on web pages and in the PDF.

Geometry comes from :mod:`decisions.charts`; markup from ``templates/charts/*.svg``
(autoescaped and translatable). Each tag takes a view model of
:mod:`decisions.presentation`:

    {% scores_chart view %}                 {# a FunctionView #}
    {% contributions_chart view width=560 %}
    {% portfolio_chart assessment_view %}   {# an AssessmentView #}
    {% portfolio_chart assessment_view link=True %}  {# markers link to #function-<pk> #}
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from decisions import charts
from decisions.formatting import plain_number
from decisions.presentation import AssessmentView, FunctionView

register = template.Library()

# Charts shrink with a narrow column but never grow beyond their drawn size.
CSS_CLASS = "img-fluid"
STYLE = {
    "font": charts.FONT,
    "ink": charts.INK,
    "muted": charts.MUTED,
    "grid": charts.GRID,
    "track": charts.TRACK,
}


# Rendered charts by (template, chart id, class, language): a chart's id is a hash of
# everything it draws, so the same id always renders the same markup. Bounded, per process.
_rendered: OrderedDict[tuple[str, str, str, str], SafeString] = OrderedDict()
_RENDERED_MAX = 1024
_lock = threading.Lock()


def _render(name: str, chart: Any, css_class: str) -> SafeString:
    key = (name, chart.id, css_class, get_language() or "")
    svg = _rendered.get(key)
    if svg is None:
        html = render_to_string(
            f"charts/{name}.svg", {"chart": chart, "style": STYLE, "css_class": css_class}
        )
        svg = SafeString(html.strip())
        with _lock:
            _rendered[key] = svg
            if len(_rendered) > _RENDERED_MAX:
                _rendered.popitem(last=False)
    return svg


@register.simple_tag
def scores_chart(view: FunctionView, width: int = 480, css_class: str = CSS_CLASS) -> SafeString:
    return _render("scores", charts.scores_chart(view.scores_data, width=width), css_class)


@register.simple_tag
def contributions_chart(
    view: FunctionView, width: int = 640, css_class: str = CSS_CLASS
) -> SafeString:
    chart = charts.contributions_chart(
        view.contributions_data, view.contribution_models, width=width
    )
    return _render("contributions", chart, css_class)


@register.simple_tag
def portfolio_chart(
    view: AssessmentView, width: int = 640, link: bool = False, css_class: str = CSS_CLASS
) -> SafeString:
    return _render("portfolio", view.portfolio(link=link, width=width), css_class)


register.filter("plain_number", plain_number)


@register.filter
def model_abbreviation(slug: str | None, view: FunctionView) -> str:
    """``{{ slug|model_abbreviation:view }}``: "kpo" -> "KPO", as the stored snapshot names it."""
    return view.abbreviation(slug)
