"""The assessment report: a PDF an executive can sign off and an auditor can check.

Rendered by WeasyPrint from ``templates/decisions/assessment_report.html`` with
the print stylesheet ``static/css/report.css``. Everything a function's section
says comes from its stored result and criteria snapshot (see
``decisions.presentation``), so the report reads the same after admins
re-weight the criteria. Charts are SVG drawn server-side (``decisions.charts``)
and stay vector in the PDF. Assets load through :class:`AssetFetcher`: from
disk, never over the network.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from decisions import charts, selectors
from decisions.models import Assessment, FunctionAssessment, Provider
from decisions.presentation import FunctionSummary, Robustness, summarise_function
from decisions.reports.common import export_filename, has_recommendation
from decisions.reports.fetcher import AssetFetcher

TEMPLATE = "decisions/assessment_report.html"


class ReportAssetError(RuntimeError):
    """The report needed an asset the fetcher could not or would not load."""


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def weight_range(entry: Robustness) -> str:
    """The weights of a criterion over which the recommendation holds, in words."""
    if entry.lower is None and entry.upper is None:
        return _("any")
    if entry.upper is None:
        return f"≥ {_number(entry.lower or 0)}"
    if entry.lower is None:
        return f"≤ {_number(entry.upper)}"
    return f"{_number(entry.lower)}\u2013{_number(entry.upper)}"  # en dash


@dataclass(frozen=True)
class SensitivityRow:
    """A criterion's weight, the range that keeps the result, and what it flips to."""

    name: str
    weight: str
    holds: str
    below: str
    above: str
    weakest: bool


def sensitivity_rows(summary: FunctionSummary, *, limit: int = 5) -> list[SensitivityRow]:
    """The criteria whose weight alone could change the result, most sensitive first."""
    weakest = summary.weakest.slug if summary.weakest else None
    can_flip = sorted(
        (entry for entry in summary.sensitivity if entry.change is not None),
        key=lambda entry: entry.change or 0.0,
    )
    return [
        SensitivityRow(
            name=entry.name,
            weight=_number(entry.weight),
            holds=weight_range(entry),
            below=summary.abbreviation(entry.flips_to_below),
            above=summary.abbreviation(entry.flips_to_above),
            weakest=entry.slug == weakest,
        )
        for entry in can_flip[:limit]
    ]


@dataclass
class FunctionSection:
    """One function's page(s) of the report."""

    number: int
    function: FunctionAssessment
    summary: FunctionSummary
    anchor: str
    scores_chart: SafeString
    contributions_chart: SafeString
    shortlist: list[selectors.ShortlistEntry]
    sensitivity: list[SensitivityRow]

    @property
    def lean(self) -> float:
        """KPO score minus BPO score: where the portfolio chart places the function."""
        scores = {line.slug: line.score for line in self.summary.ranking}
        return scores.get("kpo", 0.0) - scores.get("bpo", 0.0)

    @property
    def lean_points(self) -> str:
        points = round(self.lean * 100)
        if points > 0:
            return f"+{points}"
        return "0" if points == 0 else f"\u2212{-points}"  # a real minus sign

    @property
    def sensitivity_hidden(self) -> int:
        """How many scored criteria the robustness table leaves out."""
        return len(self.summary.sensitivity) - len(self.sensitivity)

    @property
    def engine_winner_label(self) -> str:
        return self.summary.abbreviation(self.summary.engine_winner)

    @property
    def runner_up(self) -> str:
        ranking = self.summary.ranking
        return ranking[1].abbreviation if len(ranking) > 1 else ""

    @property
    def decision_differs(self) -> bool:
        function = self.function
        return function.final_model is not None and (
            function.final_model.slug != self.summary.recommended.slug
        )


@dataclass
class SummaryRow:
    """One line of the executive summary: a function with or without a result."""

    function: FunctionAssessment
    section: FunctionSection | None


@dataclass
class VersionUse:
    version: str
    count: int
    first: datetime | None
    last: datetime | None


class _Shortlists:
    """Provider shortlists for a report's functions, from one load of the profiles."""

    def __init__(self, functions: Sequence[FunctionAssessment]) -> None:
        self._providers: list[Provider] | None = None
        self._by_key: dict[tuple[Any, ...], list[selectors.ShortlistEntry]] = {}
        self._wanted = selectors.profile_delivery_options(functions)

    def get(self, model_slug: str, function: FunctionAssessment) -> list[selectors.ShortlistEntry]:
        activity_id, wanted = function.activity_id, self._wanted[function.pk]
        key = (model_slug, activity_id, tuple(option.pk for option in wanted))
        if key not in self._by_key:
            if self._providers is None:
                self._providers = selectors.providers_with_offer()
            self._by_key[key] = selectors.provider_shortlist(
                model_slug=model_slug,
                activity_id=activity_id,
                wanted=wanted,
                providers=self._providers,
            )
        return self._by_key[key]


class PDFReport:
    """The assessment report as PDF bytes."""

    identifier = "pdf"
    content_type = "application/pdf"

    def __init__(self, asset_dirs: Sequence[str | Path] | None = None) -> None:
        dirs = settings.REPORT_ASSET_DIRS if asset_dirs is None else asset_dirs
        self.asset_dirs = [Path(d) for d in dirs]

    def context(
        self, assessment: Assessment, functions: Sequence[FunctionAssessment]
    ) -> dict[str, Any]:
        """What the template renders: summary rows, per-function sections, charts."""
        shortlists = _Shortlists(functions)
        rows: list[SummaryRow] = []
        sections: list[FunctionSection] = []
        for function in functions:
            summary = summarise_function(function) if has_recommendation(function) else None
            if summary is None:
                rows.append(SummaryRow(function, None))
                continue
            section = self._section(len(sections) + 1, function, summary, shortlists)
            sections.append(section)
            rows.append(SummaryRow(function, section))
        return {
            "assessment": assessment,
            "organization": assessment.organization,
            "author": _author(assessment),
            "printed_on": timezone.localdate(),
            "rows": rows,
            "sections": sections,
            "versions": _versions(sections),
            "model_counts": _model_counts(sections),
            "borderline_count": sum(1 for s in sections if s.summary.borderline),
            "differs_count": sum(1 for s in sections if s.decision_differs),
            "pending_count": len(rows) - len(sections),
            "portfolio_chart": _portfolio(sections),
        }

    def _section(
        self,
        number: int,
        function: FunctionAssessment,
        summary: FunctionSummary,
        shortlists: _Shortlists,
    ) -> FunctionSection:
        shortlist = shortlists.get(summary.recommended.slug, function)
        scored = [(slug, model["abbreviation"]) for slug, model in summary.models.items()]
        scored_slugs = {line.slug for line in summary.ranking}
        return FunctionSection(
            number=number,
            function=function,
            summary=summary,
            anchor=f"function-{function.pk}",
            scores_chart=mark_safe(  # charts escape every label
                charts.scores_chart(
                    [(line.abbreviation, line.slug, line.score) for line in summary.ranking],
                    width=340,
                )
            ),
            contributions_chart=mark_safe(
                charts.contributions_chart(
                    [(c["name"], c["per_model"]) for c in summary.contributions],
                    [(slug, label) for slug, label in scored if slug in scored_slugs],
                )
            ),
            shortlist=shortlist,
            sensitivity=sensitivity_rows(summary),
        )

    def render(
        self, assessment: Assessment, functions: Sequence[FunctionAssessment]
    ) -> tuple[str, str, bytes]:
        html = render_to_string(TEMPLATE, self.context(assessment, functions))
        document = HTML(
            string=html,
            base_url=str(self.asset_dirs[0]) + "/",
            url_fetcher=AssetFetcher(self.asset_dirs),
            media_type="print",
        )
        try:
            pdf = document.write_pdf()
        except FatalURLFetchingError as error:
            # WeasyPrint's fatal error is a BaseException, which would slip past
            # Django's error handling: turn it into an ordinary, logged 500.
            raise ReportAssetError(f"{error}: {error.__cause__}") from error
        assert pdf is not None
        return export_filename(assessment, "pdf"), self.content_type, pdf


def _author(assessment: Assessment) -> str:
    owner = assessment.owner
    if owner is None:
        return ""
    return owner.get_full_name() or owner.get_username()  # type: ignore[attr-defined]


def _versions(sections: Sequence[FunctionSection]) -> list[VersionUse]:
    uses: dict[str, VersionUse] = {}
    for section in sections:
        summary = section.summary
        use = uses.setdefault(
            summary.criteria_version, VersionUse(summary.criteria_version, 0, None, None)
        )
        use.count += 1
        when = summary.computed_at
        if when is not None:
            use.first = when if use.first is None else min(use.first, when)
            use.last = when if use.last is None else max(use.last, when)
    return list(uses.values())


def _model_counts(sections: Sequence[FunctionSection]) -> list[tuple[str, int]]:
    counts = Counter(s.summary.recommended.abbreviation for s in sections)
    order: dict[str, int] = {}
    for section in sections:
        for model in section.summary.models.values():
            order.setdefault(model["abbreviation"], len(order))
    return sorted(counts.items(), key=lambda item: order.get(item[0], 99))


def _portfolio(sections: Sequence[FunctionSection]) -> SafeString:
    if not sections:
        return mark_safe("")
    points = []
    for section in sections:
        points.append(
            (
                section.function.name,
                section.lean,
                section.summary.margin,
                section.summary.recommended.slug,
                f"#{section.anchor}",
            )
        )
    return mark_safe(charts.portfolio_chart(points))
