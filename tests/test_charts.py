"""The SVG charts: pure functions, no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from decisions import charts

SVG = "{http://www.w3.org/2000/svg}"

RANKING = [("KPO", "kpo", 0.72), ("BPO", "bpo", 0.455), ("In-house", "in-house", 0.3)]
MODELS = [("bpo", "BPO"), ("kpo", "KPO"), ("in-house", "In-house")]
ROWS = [
    ("Complexity of the work", {"bpo": 0.02, "kpo": 0.125, "in-house": 0.04}),
    ("Expertise needed", {"bpo": 0.01, "kpo": 0.08, "in-house": 0.06}),
]
POINTS = [
    ("Payroll processing", -0.6, 0.8, "bpo", "/functions/1/result/"),
    ("Market research", 0.5, 0.4, "kpo", "/functions/2/result/"),
    ("Contract review", 0.52, 0.4, "lpo", ""),
    ("Product R&D", 0.2, 0.54, "in-house", ""),
    ("Monthly reporting", -0.04, 0.02, "bpo", ""),
]


def _all_charts(label: str = "Payroll processing") -> list[str]:
    return [
        charts.scores_chart([(label, "bpo", 0.5), *RANKING]),
        charts.contributions_chart([(label, {"bpo": 0.1, "kpo": 0.0}), *ROWS], MODELS),
        charts.portfolio_chart([(label, -0.2, 0.3, "bpo", ""), *POINTS[1:]]),
    ]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the charts' own output, not untrusted input


def _texts(svg: str) -> str:
    """All text a reader (or a screen reader) gets from the chart, joined."""
    root = _parse(svg)
    return " ".join(t.strip() for t in root.itertext())


@pytest.mark.parametrize("svg", _all_charts())
def test_every_chart_is_valid_accessible_svg(svg):
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


@pytest.mark.parametrize("svg", _all_charts())
def test_no_inline_styles_for_the_content_security_policy(svg):
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg


def test_text_is_escaped():
    for svg in _all_charts('<script>alert("x")</script> & co'):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert '<script>alert("x")</script> & co' in _texts(svg)  # escaped, not dropped


def test_output_is_deterministic():
    assert _all_charts() == _all_charts()
    assert charts.portfolio_chart(POINTS) == charts.portfolio_chart(list(POINTS))


def test_two_charts_on_one_page_do_not_share_ids():
    first = _parse(charts.scores_chart(RANKING))
    second = _parse(charts.scores_chart(RANKING[:2]))
    ids = lambda root: {e.get("id") for e in root.iter() if e.get("id")}  # noqa: E731
    assert ids(first)
    assert not ids(first) & ids(second)
    chosen = _parse(charts.scores_chart(RANKING, id_prefix="result-7"))
    assert chosen.find(f"{SVG}title").get("id") == "result-7-title"


def test_scores_chart_labels_each_model_with_its_score():
    svg = charts.scores_chart(RANKING)
    texts = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    for label, value in (("KPO", "72"), ("BPO", "46"), ("In-house", "30")):
        assert label in texts
        assert value in texts
    desc = _parse(svg).find(f"{SVG}desc").text
    assert "KPO 72 out of 100" in desc
    assert "Highest: KPO" in desc


def test_scores_chart_bar_length_follows_the_score():
    root = _parse(charts.scores_chart(RANKING, width=480))
    bars = [r for r in root.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(")]
    widths = [float(r.get("width")) for r in bars]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] / widths[2] == pytest.approx(0.72 / 0.3, rel=0.01)


def test_scores_out_of_range_are_clamped():
    svg = charts.scores_chart([("KPO", "kpo", 1.7), ("BPO", "bpo", -0.2)])
    texts = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    assert "100" in texts
    assert "0" in texts


def test_models_differ_by_pattern_not_only_colour():
    svg = charts.scores_chart(RANKING)
    root = _parse(svg)
    patterns = root.findall(f".//{SVG}defs/{SVG}pattern")
    assert len(patterns) == 3
    # Each pattern draws its own marks (lines, dots...), so greyscale still tells them apart.
    bodies = {ET.tostring(p[1]) for p in patterns}
    assert len(bodies) == 3
    assert 'fill="#1f5fa8"' in svg
    assert 'fill="#12806e"' in svg
    assert 'fill="#b26b00"' in svg


def test_contributions_chart_has_legend_names_and_values():
    svg = charts.contributions_chart(ROWS, MODELS)
    texts = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    for name in ("Complexity of the work", "Expertise needed", "BPO", "KPO", "In-house"):
        assert name in texts
    assert "12.5" in texts  # 0.125 of the score = 12.5 points
    assert "Complexity of the work: BPO 2.0, KPO 12.5, In-house 4.0 (most to KPO)" in svg


def test_portfolio_chart_places_functions_by_model_and_confidence():
    svg = charts.portfolio_chart(POINTS)
    root = _parse(svg)
    text = _texts(svg)
    for label, *_rest in POINTS:
        assert label in text
    for words in ("Clearly BPO-like", "Clearly KPO-like", "Borderline", "KPO score minus BPO"):
        assert words in text
    desc = root.find(f"{SVG}desc").text
    assert "5 functions" in desc
    assert "Borderline (needs expert review): Monthly reporting" in desc
    # Shapes as well as colours: BPO circle, KPO square, LPO diamond, in-house triangle.
    assert root.find(f".//{SVG}circle[@fill='#1f5fa8']") is not None
    assert root.find(f".//{SVG}rect[@fill='#12806e']") is not None
    assert root.find(f".//{SVG}path[@fill='#6b3fa0']") is not None
    assert root.find(f".//{SVG}path[@fill='#b26b00']") is not None


def test_portfolio_points_link_to_their_result_pages():
    root = _parse(charts.portfolio_chart(POINTS))
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {"/functions/1/result/", "/functions/2/result/"}
    assert all(a.get("tabindex") == "-1" for a in root.iter(f"{SVG}a"))  # the table has them


def test_portfolio_points_at_one_spot_share_a_label_and_stay_visible():
    crowd = [(f"Function {n}", 0.5, 0.4, "kpo", f"/f/{n}/") for n in range(5)]
    root = _parse(charts.portfolio_chart(crowd))
    legend_height = 24
    squares = [
        square
        for square in root.findall(f".//{SVG}rect[@fill='#12806e']")
        if float(square.get("y")) > legend_height
    ]
    assert len(squares) == 5
    assert len({s.get("x") for s in squares}) == 5  # side by side, not on top of each other
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Function 0" in texts
    assert "Function 1" in texts
    assert "+ 3 more" in texts


def test_portfolio_x_runs_from_bpo_left_to_kpo_right():
    svg = charts.portfolio_chart(
        [("Left", -0.4, 0.3, "bpo", ""), ("Right", 0.4, 0.3, "kpo", "")], id_prefix="p"
    )
    root = _parse(svg)
    circle = root.find(f".//{SVG}circle[@fill='#1f5fa8']")
    square = root.find(f".//{SVG}rect[@fill='#12806e']")
    assert float(circle.get("cx")) < float(square.get("x"))


def test_empty_portfolio_says_so():
    svg = charts.portfolio_chart([])
    assert "No function has a recommendation yet." in _texts(svg)
