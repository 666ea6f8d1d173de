"""The charts: pure geometry (decisions.charts) and its SVG templates (templates/charts/)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from decisions import charts
from decisions.templatetags.charts import _render

SVG = "{http://www.w3.org/2000/svg}"

RANKING = [("KPO", "kpo", 0.72), ("BPO", "bpo", 0.455), ("In-house", "in-house", 0.3)]
MODELS = [("bpo", "BPO"), ("kpo", "KPO"), ("in-house", "In-house")]
ROWS = [
    ("Complexity of the work", {"bpo": 0.02, "kpo": 0.125, "in-house": 0.04}),
    ("Expertise needed", {"bpo": 0.01, "kpo": 0.08, "in-house": 0.06}),
]
COLUMNS = [("bpo", "BPO"), ("kpo", "KPO"), ("lpo", "LPO"), ("in-house", "In-house")]
BANDS = [("clear", "Clear"), ("leaning", "Leaning"), ("close-call", "Close call")]
ITEMS = [
    charts.PortfolioItem(1, "Payroll processing", "bpo", "clear", "#function-1"),
    charts.PortfolioItem(2, "Market research", "kpo", "leaning"),
    charts.PortfolioItem(3, "Contract review", "lpo", "clear"),
    charts.PortfolioItem(4, "Product R&D", "in-house", "clear"),
    charts.PortfolioItem(5, "Monthly reporting", "bpo", "close-call"),
]


def portfolio(items=ITEMS, **kwargs):
    return charts.portfolio_chart(items, COLUMNS, BANDS, shaded_row="close-call", **kwargs)


def _svgs(label: str = "Payroll processing") -> list[str]:
    return [
        _render("scores", charts.scores_chart([(label, "bpo", 0.5), *RANKING]), ""),
        _render(
            "contributions",
            charts.contributions_chart([(label, {"bpo": 0.1, "kpo": 0.0}), *ROWS], MODELS),
            "",
        ),
        _render(
            "portfolio",
            portfolio([charts.PortfolioItem(9, label, "bpo", "leaning"), *ITEMS]),
            "",
        ),
    ]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own templates' output, not untrusted input


def _texts(svg: str) -> str:
    return " ".join(t.strip() for t in _parse(svg).itertext())


@pytest.mark.parametrize("index", range(3))
def test_every_chart_is_valid_accessible_svg(index):
    svg = _svgs()[index]
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert title.text
    assert desc is not None
    assert desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("viewBox")


@pytest.mark.parametrize("index", range(3))
def test_no_inline_styles_for_the_content_security_policy(index):
    svg = _svgs()[index]
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg


def test_text_is_escaped_by_the_templates():
    for svg in _svgs('<script>alert("x")</script> & co'):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert '<script>alert("x")</script> & co' in _texts(svg)  # escaped, not dropped


def test_output_is_deterministic():
    assert _svgs() == _svgs()


def test_numbers_are_not_localised_in_the_markup():
    """A locale with a decimal comma must not turn coordinates into "12,5"."""
    with translation.override("de"):
        svg = _svgs()[0]
    root = _parse(svg)
    for element in root.iter(f"{SVG}rect"):
        for attribute in ("x", "y", "width", "height"):
            value = element.get(attribute)
            if value is not None:
                float(value)  # raises on "12,5"


def test_two_charts_on_one_page_do_not_share_ids():
    first = _parse(_render("scores", charts.scores_chart(RANKING), ""))
    second = _parse(_render("scores", charts.scores_chart(RANKING[:2]), ""))
    ids = lambda root: {e.get("id") for e in root.iter() if e.get("id")}  # noqa: E731
    assert ids(first)
    assert not ids(first) & ids(second)


def test_scores_chart_labels_each_model_with_its_score():
    svg = _render("scores", charts.scores_chart(RANKING), "")
    texts = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    for label, value in (("KPO", "72"), ("BPO", "46"), ("In-house", "30")):
        assert label in texts
        assert value in texts
    desc = _parse(svg).find(f"{SVG}desc").text
    assert "KPO 72 out of 100" in desc
    assert "Highest: KPO" in desc


def test_scores_chart_bar_length_follows_the_score():
    chart = charts.scores_chart(RANKING, width=480)
    widths = [bar.width for bar in chart.bars]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] / widths[2] == pytest.approx(0.72 / 0.3, rel=0.01)
    assert chart.bars[0].leading
    assert not chart.bars[1].leading


def test_scores_out_of_range_are_clamped():
    chart = charts.scores_chart([("KPO", "kpo", 1.7), ("BPO", "bpo", -0.2)])
    assert [bar.points for bar in chart.bars] == [100, 0]
    assert chart.bars[0].width == chart.plot_width


def test_models_differ_by_pattern_not_only_colour():
    svg = _render("scores", charts.scores_chart(RANKING), "")
    patterns = _parse(svg).findall(f".//{SVG}defs/{SVG}pattern")
    assert len(patterns) == 3
    # Each pattern draws its own marks (lines, dots...), so greyscale still tells them apart.
    bodies = {ET.tostring(p[1]) for p in patterns}
    assert len(bodies) == 3
    for colour in ("#1f5fa8", "#12806e", "#b26b00"):
        assert f'fill="{colour}"' in svg


def test_contributions_chart_has_legend_names_and_values():
    svg = _render("contributions", charts.contributions_chart(ROWS, MODELS), "")
    texts = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    for name in ("Complexity of the work", "Expertise needed", "BPO", "KPO", "In-house"):
        assert name in texts
    assert "12.5" in texts  # 0.125 of the score = 12.5 points
    assert "Complexity of the work: BPO 2.0, KPO 12.5, In-house 4.0 (most to KPO)" in svg


def test_contributions_scale_to_the_largest_value():
    chart = charts.contributions_chart(ROWS, MODELS, width=640)
    kpo_bar = chart.groups[0].bars[1]
    assert kpo_bar.value == "12.5"
    assert chart.ticks[-1].label == "20"  # the nice ceiling above 12.5 points
    assert kpo_bar.width == pytest.approx(chart.plot_width * 12.5 / 20, abs=0.1)


def test_portfolio_puts_each_function_in_its_model_and_band_cell():
    chart = portfolio()
    where = {
        marker.number: (cell.column, cell.row) for cell in chart.cells for marker in cell.markers
    }
    assert where == {
        1: ("bpo", "clear"),
        2: ("kpo", "leaning"),
        3: ("lpo", "clear"),
        4: ("in-house", "clear"),
        5: ("bpo", "close-call"),
    }


def test_portfolio_never_hides_a_function():
    crowd = [charts.PortfolioItem(n, f"Function {n}", "kpo", "clear") for n in range(1, 201)]
    chart = portfolio(crowd)
    markers = [marker for cell in chart.cells for marker in cell.markers]
    assert sorted(m.number for m in markers) == list(range(1, 201))
    cell = next(c for c in chart.cells if c.column == "kpo" and c.row == "clear")
    positions = {(m.x, m.y) for m in markers}
    assert len(positions) == 200  # none on top of another
    assert all(cell.y <= m.y and m.y + charts.MARKER <= cell.y + cell.height for m in markers)
    svg = _render("portfolio", chart, "")
    assert "200 functions" in _parse(svg).find(f"{SVG}desc").text


def test_portfolio_refuses_an_item_without_a_cell():
    with pytest.raises(charts.ChartError):
        portfolio([charts.PortfolioItem(1, "Odd", "crowd-sourcing", "clear")])


def test_portfolio_close_calls_are_shaded_and_hollow():
    chart = portfolio()
    close = next(c for c in chart.cells if c.column == "bpo" and c.row == "close-call")
    clear = next(c for c in chart.cells if c.column == "bpo" and c.row == "clear")
    assert close.fill != clear.fill
    assert close.markers[0].fill == "#ffffff"
    assert clear.markers[0].fill == charts.colour("bpo")


def test_portfolio_description_names_every_function_by_cell():
    svg = _render("portfolio", portfolio(), "")
    desc = _parse(svg).find(f"{SVG}desc").text
    assert desc.startswith("5 functions.")
    assert "BPO, clear: 1 Payroll processing." in desc
    assert "BPO, close call: 5 Monthly reporting." in desc
    assert "LPO, clear: 3 Contract review." in desc


def test_portfolio_links_only_within_the_site():
    svg = _render("portfolio", portfolio(), "")
    links = {a.get("href") for a in _parse(svg).iter(f"{SVG}a")}
    assert links == {"#function-1"}
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/a\\b"):
        with pytest.raises(charts.ChartError):
            charts.safe_href(bad)
    assert charts.safe_href("/functions/1/result/") == "/functions/1/result/"


def test_empty_portfolio_says_so():
    svg = _render("portfolio", portfolio([]), "")
    assert "No function has a recommendation yet." in _texts(svg)
