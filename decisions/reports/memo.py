"""The decision memo: what the PDF report says, already in words.

The report (``decisions.reports.pdf``) is a memo an executive signs: page 1 states
the decision (counted on final decisions, the recommendation where none is
recorded), what it is expected to save, the top risks, what needs attention, the
decision requested and the next steps, and the document control. Then at most a
page per function, the contract shape once per model, the method, assumptions and
sources, and (only when asked) the analyst's appendix.

Everything here is built from :class:`decisions.presentation.AssessmentView` and
its :class:`~decisions.presentation.FunctionView` s; templates only place it.
Page 1 must stay one page at any size, so every list on it is capped here
(``*_SHOWN``) with "and N more" pointing at the page that has them all.

The group branch adds ``FunctionView.group`` (several respondents); it is read
with ``getattr(view, "group", None)`` so this module works before and after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions import catalogue_version, costing, questionnaire
from decisions import risks as risk_register
from decisions.formatting import percent, plain_number
from decisions.models import Disagreement, Reading, Source, SourcingModel
from decisions.presentation import (
    CLOSE_CALL,
    KPO_CAVEAT,
    AssessmentView,
    FunctionView,
    ModelEstimate,
    RiskLine,
    _money,
    _price_text,
)
from decisions.reports.document import DocumentControl
from decisions.scoring import BORDERLINE_MARGIN, CLEAR_MARGIN

# Page 1's caps: with them the memo fits one A4 page whatever the portfolio's size.
NAME_CHARS = 38  # a function's name on page 1
NAMES_SHOWN = 4  # the largest functions named per model, at most
NAMES_BUDGET = 96  # ... and at most this many characters of names per model
ATTENTION_SHOWN = 4  # close calls, disagreements, differing decisions named each
ATTENTION_BUDGET = 110  # characters of names per kind
REASON_CHARS = 90  # a differing decision's reason on page 1
RISKS_SHOWN = 3
NEXT_STEPS_SHOWN = 5
# A function's page: at most this many reasons, risks and disagreements.
REASONS_FOR = 3
REASONS_AGAINST = 1
DISAGREEMENTS_SHOWN = 4
# The portfolio grid is drawn as a chart up to this height (px at 640 wide: about
# two thirds of an A4 page); a taller one is a table, which may break across pages.
CHART_MAX_HEIGHT = 620.0
# Robustness: the smallest relative change of one criterion's weight that would
# change the recommendation, in bands.
ROBUST_CHANGE = 1.0  # the weight would have to double (or drop to zero)
FRAGILE_CHANGE = 0.25


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-\u2013\u2014 ")
    return f"{cut or text[: limit - 1]}…"


def capped(items: list[Item], limit: int, budget: int) -> list[Item]:
    """The first ``items`` that fit ``limit`` entries and ``budget`` characters (one at least)."""
    shown: list[Item] = []
    used = 0
    for item in items[:limit]:
        size = len(item.name) + len(item.note) + 8
        if shown and used + size > budget:
            break
        shown.append(item)
        used += size
    return shown


def when(moment: datetime | None) -> str:
    """A date and time with its time zone ("2 December 2026, 17:30 UTC")."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'j F Y, H:i')} {local.tzname() or ''}".strip()


def day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "j M Y")


# --- page 1 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A function named on page 1: its memo number and (shortened) name."""

    number: int
    name: str
    anchor: str
    note: str = ""

    @classmethod
    def of(cls, view: FunctionView, note: str = "") -> Item:
        return cls(view.number, shorten(view.name, NAME_CHARS), view.anchor, note)


@dataclass(frozen=True)
class Group:
    """The functions decided (or recommended) for one sourcing model."""

    slug: str
    abbreviation: str
    name: str
    outsourced: bool
    count: int
    items: list[Item]  # the largest (by today's cost), capped
    saving: str  # the group's expected saving a year, "" without a business case

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class Attention:
    """One kind of thing to look at before signing: its words and the functions it names."""

    slug: str
    text: str
    items: list[Item]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class TopRisk:
    number: int  # the function's memo number
    function: str
    anchor: str
    risk: RiskLine


@dataclass(frozen=True)
class ControlLine:
    label: str
    value: str
    mono: bool = False


@dataclass(frozen=True)
class VersionLabel:
    """A criteria version in words: "Criteria of 2 Dec 2026 (ref. 3fa2b1c0, current)"."""

    label: str
    count: int


# --- a function's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseLine:
    """One model's business case on a function's page."""

    label: str
    text: str
    caveat: str = ""


@dataclass(frozen=True)
class GroupSummary:
    """Several respondents' agreement on a function (from the group branch's view)."""

    respondents: int
    consensus: str
    open_disagreements: list[str]
    open_count: int
    settled: int


class FunctionPage:
    """A function's page of the memo: the verdict and why, in a manager's words."""

    def __init__(self, view: FunctionView) -> None:
        self.view = view

    @property
    def number(self) -> int:
        return self.view.number

    @property
    def name(self) -> str:
        return self.view.name

    @property
    def anchor(self) -> str:
        return self.view.anchor

    @property
    def decided(self) -> SourcingModel:
        """The model the memo counts: the final decision, else the recommendation."""
        return self.view.function.final_model or self.view.recommended

    @property
    def confidence(self) -> str:
        """ "Leaning (12 points)": the band, with the lead in brackets."""
        view = self.view
        return ngettext(
            "%(band)s (%(points)d point)", "%(band)s (%(points)d points)", view.margin_points
        ) % {"band": view.band.label, "points": view.margin_points}

    @property
    def close_call(self) -> bool:
        return self.view.band.slug == CLOSE_CALL or self.view.borderline

    @cached_property
    def reasons(self) -> list[str]:
        """Three reasons for and one against, as a manager would say them."""
        view = self.view
        lines = [
            _("“%(answer)s” (%(criterion)s) points to %(model)s.")
            % {"answer": r.option_label, "criterion": r.name.lower(), "model": r.favours}
            for r in view.reasons_for[:REASONS_FOR]
        ]
        lines += [
            _("Against it: “%(answer)s” (%(criterion)s) points to %(model)s.")
            % {"answer": r.option_label, "criterion": r.name.lower(), "model": r.favours}
            for r in view.reasons_against[:REASONS_AGAINST]
        ]
        return lines

    @cached_property
    def robustness(self) -> tuple[str, str]:
        """The robustness in a word and a sentence saying how much would have to change."""
        weakest = self.view.weakest
        if weakest is None or weakest.change is None:
            return _("Robust"), _(
                "No change to the weight of a single criterion would change this recommendation."
            )
        change = weakest.change
        if change >= ROBUST_CHANGE:
            word = _("Robust")
        elif change >= FRAGILE_CHANGE:
            word = _("Fairly robust")
        else:
            word = _("Sensitive")
        raise_it = weakest.upper is not None and (
            weakest.lower is None
            or weakest.upper - weakest.weight <= weakest.weight - weakest.lower
        )
        target = weakest.upper if raise_it else weakest.lower
        values = {
            "name": weakest.name,
            "factor": _factor(weakest.weight, target or 0.0, raise_it),
            "model": weakest.above if raise_it else weakest.below,
        }
        if raise_it:
            sentence = _(
                "It would change to %(model)s only if “%(name)s” counted %(factor)s as much "
                "as it does; no smaller change to one criterion's weight changes it."
            )
        else:
            sentence = _(
                "It would change to %(model)s only if “%(name)s” counted %(factor)s less "
                "than it does; no smaller change to one criterion's weight changes it."
            )
        return word, sentence % values

    @cached_property
    def case(self) -> list[CaseLine]:
        """The decided model's business case (and the recommendation's, if it differs)."""
        business = self.view.business_case
        if business is None:
            return []
        shown: list[ModelEstimate] = []
        for estimate in (business.chosen, business.recommended):
            if estimate is not None and estimate not in shown:
                shown.append(estimate)
        lines = [CaseLine(_("Today's cost"), business.baseline_text)]
        for estimate in shown:
            lines.append(
                CaseLine(
                    estimate.abbreviation,
                    _estimate_text(estimate),
                    caveat=str(estimate.caveat_text) if estimate.estimate else "",
                )
            )
        return lines

    @property
    def risks(self) -> list[RiskLine]:
        return self.view.top_risks

    @property
    def more_risks(self) -> int:
        return len(self.view.risks) - len(self.view.top_risks)

    @cached_property
    def group(self) -> GroupSummary | None:
        group = getattr(self.view, "group", None)
        if group is None:
            return None
        disagreements = list(getattr(group, "open_disagreements", []) or [])
        return GroupSummary(
            respondents=len(getattr(group, "respondents", []) or []),
            consensus=str(getattr(group, "consensus_words", "") or ""),
            open_disagreements=[_disagreement_text(d) for d in disagreements][:DISAGREEMENTS_SHOWN],
            open_count=len(disagreements),
            settled=len(getattr(group, "settled", []) or []),
        )

    @property
    def final_reason(self) -> str:
        return self.view.function.final_reason


def _factor(weight: float, target: float, raise_it: bool) -> str:
    if raise_it:
        ratio = target / weight if weight else math.inf
        return _("%(ratio)s times") % {"ratio": _ratio(ratio)}
    drop = 1 - (target / weight) if weight else 1.0
    return f"{round(drop * 100)}\u00a0%"


def _ratio(value: float) -> str:
    if math.isinf(value):
        return "∞"
    if value >= 10:
        return str(round(value))
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _disagreement_text(disagreement: object) -> str:
    criterion = getattr(disagreement, "criterion", None)
    name = getattr(criterion, "name", None) or str(criterion or disagreement)
    return str(name)


def _estimate_text(estimate: ModelEstimate) -> str:
    if estimate.estimate is None:
        return str(estimate.problem)
    if estimate.in_house:
        return _("keeps today's cost; no saving, no transition.")
    if estimate.has_range:
        saving = _("saves %(saving)s a year (%(low)s to %(high)s)") % {
            "saving": estimate.saving,
            "low": estimate.saving_low,
            "high": estimate.saving_high,
        }
    else:
        saving = _("saves %(saving)s a year") % {"saving": estimate.saving}
    text = _("%(saving)s; transition %(transition)s; pays back %(payback)s.") % {
        "saving": saving,
        "transition": estimate.transition,
        "payback": estimate.payback,
    }
    if estimate.plainly:
        text = f"{text} {estimate.plainly}"
    return text


# --- method, assumptions and sources ---------------------------------------------------------


@dataclass(frozen=True)
class CriterionLine:
    name: str
    weight: str
    share: str


@dataclass(frozen=True)
class AssumptionLine:
    model: str
    location: str
    price: str
    transition: str
    governance: str
    is_sample: bool
    note: str


@dataclass(frozen=True)
class ContractShape:
    abbreviation: str
    name: str
    shape: str
    items: list[Item]


@dataclass(frozen=True)
class SourceLine:
    number: int
    title: str
    publisher: str


@dataclass(frozen=True)
class DisagreementLine:
    topic: str
    summary: str
    readings: list[tuple[str, str]]  # (source, statement)


@dataclass(frozen=True)
class SourceCatalogue:
    sources: list[SourceLine]
    disagreements: list[DisagreementLine]


def source_catalogue() -> SourceCatalogue:
    """The source documents and their disagreements (cached per catalogue version)."""

    def build(_token: str) -> SourceCatalogue:
        sources = list(Source.objects.order_by("order", "slug"))
        disagreements = Disagreement.objects.order_by("order", "slug").prefetch_related(_readings())
        return SourceCatalogue(
            sources=[
                SourceLine(number, source.title, source.publisher)
                for number, source in enumerate(sources, start=1)
            ],
            disagreements=[
                DisagreementLine(
                    d.topic,
                    d.summary,
                    [(r.source.publisher or r.source.title, r.statement) for r in d.readings.all()],
                )
                for d in disagreements
            ],
        )

    return catalogue_version.cached("report-sources", build)


def _readings() -> Prefetch[Any]:
    return Prefetch(
        "readings", queryset=Reading.objects.select_related("source").order_by("order", "pk")
    )


# --- the memo ---------------------------------------------------------------------------------


class Memo:
    """The whole report's content, from the assessment's view and its document control."""

    def __init__(
        self,
        overview: AssessmentView,
        document: DocumentControl,
        *,
        include_appendix: bool = False,
    ) -> None:
        self.overview = overview
        self.document = document
        self.include_appendix = include_appendix
        self.assessment = overview.assessment
        self.walkthrough: questionnaire.Questionnaire = overview.walkthrough

    @cached_property
    def pages(self) -> list[FunctionPage]:
        return [FunctionPage(view) for view in self.overview.with_result]

    @property
    def total(self) -> int:
        return len(self.overview.functions)

    @property
    def decided_count(self) -> int:
        return len(self.pages)

    @property
    def final_count(self) -> int:
        """Functions with a final decision recorded (the rest count their recommendation)."""
        return sum(1 for page in self.pages if page.view.function.final_model_id is not None)

    @property
    def pending_count(self) -> int:
        return self.overview.pending_count

    # -- the headline

    @cached_property
    def groups(self) -> list[Group]:
        """Per decided model, in catalogue order: the count, the largest functions, the saving."""
        by_model: dict[str, list[FunctionPage]] = {}
        for page in self.pages:
            by_model.setdefault(page.decided.slug, []).append(page)
        groups = []
        for model in self.walkthrough.snapshot.models:
            members = by_model.pop(model.slug, [])
            if members:
                groups.append(self._group(model.slug, model.abbreviation, model.name, members))
        for members in by_model.values():  # a model no longer in the catalogue
            decided = members[0].decided
            groups.append(self._group(decided.slug, decided.abbreviation, decided.name, members))
        return groups

    def _group(self, slug: str, abbreviation: str, name: str, members: list[FunctionPage]) -> Group:
        outsourced = bool(members[0].decided.is_outsourced)
        largest = sorted(members, key=lambda p: (-_today_cost(p.view), p.number))
        savings = [
            e.estimate.expected.annual_saving
            for e in (_chosen(p.view) for p in members)
            if e is not None
            and e.estimate is not None
            and not e.in_house
            and e.estimate.currency == self.currency
        ]
        saving = ""
        if outsourced and savings:
            saving = _money(sum(savings, Decimal(0)), self.currency)
        return Group(
            slug=slug,
            abbreviation=abbreviation,
            name=name,
            outsourced=outsourced,
            count=len(members),
            items=capped([Item.of(p.view) for p in largest], NAMES_SHOWN, NAMES_BUDGET),
            saving=saving,
        )

    @property
    def currency(self) -> str:
        return self.assessment.organization.currency

    @property
    def outsourced_count(self) -> int:
        return sum(g.count for g in self.groups if g.outsourced)

    @property
    def in_house_count(self) -> int:
        return sum(g.count for g in self.groups if not g.outsourced)

    @property
    def headline(self) -> str:
        """ "Outsource 7 of the 10 functions (4 BPO, 2 KPO, 1 LPO) and keep 3 in-house." """
        if not self.pages:
            return _("No function has a recommendation yet: there is nothing to decide.")
        parts = ", ".join(f"{g.count}\u00a0{g.abbreviation}" for g in self.groups if g.outsourced)
        values = {
            "out": self.outsourced_count,
            "total": self.total,
            "models": parts,
            "kept": self.in_house_count,
        }
        if self.outsourced_count and self.in_house_count:
            text = ngettext(
                "Outsource %(out)d of the %(total)d function (%(models)s) and keep "
                "%(kept)d in-house.",
                "Outsource %(out)d of the %(total)d functions (%(models)s) and keep "
                "%(kept)d in-house.",
                self.total,
            )
        elif self.outsourced_count:
            text = ngettext(
                "Outsource %(out)d of the %(total)d function (%(models)s).",
                "Outsource %(out)d of the %(total)d functions (%(models)s).",
                self.total,
            )
        else:
            text = ngettext(
                "Keep %(kept)d of the %(total)d function in-house; outsource none.",
                "Keep %(kept)d of the %(total)d functions in-house; outsource none.",
                self.total,
            )
        return text % values

    @property
    def basis_note(self) -> str:
        """How the headline counts: final decisions, recommendations, unanswered functions."""
        decided, recommended = self.final_count, self.decided_count - self.final_count
        parts = []
        if decided:
            parts.append(
                ngettext("%(n)d final decision", "%(n)d final decisions", decided) % {"n": decided}
            )
        if recommended:
            parts.append(
                ngettext(
                    "%(n)d recommendation not yet decided",
                    "%(n)d recommendations not yet decided",
                    recommended,
                )
                % {"n": recommended}
            )
        if self.pending_count:
            parts.append(
                ngettext(
                    "%(n)d function not yet answered (not counted)",
                    "%(n)d functions not yet answered (not counted)",
                    self.pending_count,
                )
                % {"n": self.pending_count}
            )
        return _("Counted on %(parts)s.") % {"parts": "; ".join(parts)} if parts else ""

    # -- the money

    @property
    def saving(self) -> str:
        """The portfolio's expected saving, range and payback in a sentence ("" without)."""
        case = self.overview.portfolio_case
        if case is None or not case.counted:
            return ""
        text = _(
            "Expected saving %(saving)s a year (range %(low)s to %(high)s), for a one-off "
            "transition of %(transition)s."
        ) % {
            "saving": case.saving_text,
            "low": case.saving_low_text,
            "high": case.saving_high_text,
            "transition": case.transition_text,
        }
        if case.saving > 0 and case.transition > 0:
            months = math.ceil(case.transition / (case.saving / 12))
            text += " " + ngettext(
                "It pays back in about %(months)d month.",
                "It pays back in about %(months)d months.",
                months,
            ) % {"months": months}
        elif case.saving <= 0:
            text += " " + _("At the expected prices the portfolio saves nothing.")
        return text

    @property
    def saving_notes(self) -> list[str]:
        case = self.overview.portfolio_case
        notes: list[str] = []
        if case is None:
            return notes
        caveat = [
            p for p in self.pages if (e := _chosen(p.view)) is not None and e.caveat and e.estimate
        ]
        if caveat:
            notes.append(
                ngettext(
                    "Includes %(n)d KPO or LPO function: %(caveat)s",
                    "Includes %(n)d KPO or LPO functions: %(caveat)s",
                    len(caveat),
                )
                % {"n": len(caveat), "caveat": KPO_CAVEAT}
            )
        if self.sample_prices:
            notes.append(
                _(
                    "Prices are sample assumptions for illustration, not market data: obtain "
                    "quotes before signing a contract."
                )
            )
        missing = self.decided_count - case.counted
        if missing:
            notes.append(
                ngettext(
                    "%(n)d function has no business case and is not in these figures.",
                    "%(n)d functions have no business case and are not in these figures.",
                    missing,
                )
                % {"n": missing}
            )
        return notes

    @cached_property
    def sample_prices(self) -> bool:
        return any(e.is_sample for p in self.pages if (e := _chosen(p.view)) is not None)

    # -- the risks

    @cached_property
    def all_risks(self) -> list[TopRisk]:
        rated = [
            TopRisk(page.number, shorten(page.name, NAME_CHARS), page.anchor, risk)
            for page in self.pages
            for risk in page.view.risks
        ]
        return sorted(rated, key=lambda r: (-r.risk.score, r.number, r.risk.order))

    @property
    def top_risks(self) -> list[TopRisk]:
        return self.all_risks[:RISKS_SHOWN]

    @property
    def high_risk_count(self) -> int:
        return sum(1 for r in self.all_risks if r.risk.high)

    @property
    def risk_note(self) -> str:
        rated = len(self.all_risks)
        if not rated:
            return _("No risk has been rated yet.")
        return ngettext(
            "%(rated)d risk rated, %(high)d of them high.",
            "%(rated)d risks rated, %(high)d of them high.",
            rated,
        ) % {"rated": rated, "high": self.high_risk_count}

    # -- what needs attention

    @cached_property
    def attention(self) -> list[Attention]:
        close = [p for p in self.pages if p.close_call]
        disputed = [p for p in self.pages if p.group is not None and p.group.open_count]
        differs = [p for p in self.pages if p.view.decision_differs]
        found = []
        if close:
            found.append(
                Attention(
                    "close-call",
                    ngettext(
                        "%(n)d close call: the answers barely separate the models; have an "
                        "expert review it before contracting.",
                        "%(n)d close calls: the answers barely separate the models; have an "
                        "expert review them before contracting.",
                        len(close),
                    )
                    % {"n": len(close)},
                    capped([Item.of(p.view) for p in close], ATTENTION_SHOWN, ATTENTION_BUDGET),
                    len(close),
                )
            )
        if disputed:
            found.append(
                Attention(
                    "disagreement",
                    ngettext(
                        "%(n)d function with open disagreement between respondents.",
                        "%(n)d functions with open disagreement between respondents.",
                        len(disputed),
                    )
                    % {"n": len(disputed)},
                    capped([Item.of(p.view) for p in disputed], ATTENTION_SHOWN, ATTENTION_BUDGET),
                    len(disputed),
                )
            )
        if differs:
            found.append(
                Attention(
                    "differs",
                    ngettext(
                        "%(n)d decision differs from the recommendation:",
                        "%(n)d decisions differ from the recommendation:",
                        len(differs),
                    )
                    % {"n": len(differs)},
                    capped(
                        [
                            Item.of(p.view, note=self._differs_note(p, alone=len(differs) == 1))
                            for p in differs
                        ],
                        ATTENTION_SHOWN,
                        ATTENTION_BUDGET,
                    ),
                    len(differs),
                )
            )
        if self.pending_count:
            found.append(
                Attention(
                    "pending",
                    ngettext(
                        "%(n)d function is not yet answered and has no recommendation.",
                        "%(n)d functions are not yet answered and have no recommendation.",
                        self.pending_count,
                    )
                    % {"n": self.pending_count},
                    [],
                    0,
                )
            )
        return found

    def _differs_note(self, page: FunctionPage, *, alone: bool) -> str:
        """ "In-house, not BPO" (and the reason, shortened, when it is the only one)."""
        values = {
            "final": page.decided.abbreviation,
            "recommended": page.view.recommended.abbreviation,
        }
        if not alone or not page.final_reason:
            return _("%(final)s, not %(recommended)s") % values
        values["reason"] = shorten(page.final_reason, REASON_CHARS)
        return _("%(final)s, not %(recommended)s: %(reason)s") % values

    # -- the decision requested and the next steps

    @property
    def decision_requested(self) -> str:
        if not self.pages:
            return _("None yet: answer the questionnaire for at least one function.")
        parts = []
        for group in self.groups:
            if group.outsourced:
                parts.append(
                    ngettext(
                        "%(n)d function to %(model)s",
                        "%(n)d functions to %(model)s",
                        group.count,
                    )
                    % {"n": group.count, "model": group.abbreviation}
                )
        text = _("Approve the sourcing decisions in this memo")
        if parts:
            text += ": " + _("outsource %(parts)s") % {"parts": ", ".join(parts)}
            if self.in_house_count:
                text += "; " + _("keep %(n)d in-house") % {"n": self.in_house_count}
        elif self.in_house_count:
            text += ": " + _("keep all %(n)d in-house") % {"n": self.in_house_count}
        text += "."
        if self.sample_prices and self.outsourced_count:
            text += " " + _(
                "Approval authorises requests for quotes, not contracts: the savings rest on "
                "sample prices."
            )
        return text

    @property
    def next_steps(self) -> list[str]:
        steps = []
        close = sum(1 for p in self.pages if p.close_call)
        if close:
            steps.append(
                ngettext(
                    "Expert review of the %(n)d close call before any contract.",
                    "Expert review of the %(n)d close calls before any contract.",
                    close,
                )
                % {"n": close}
            )
        disputed = sum(1 for p in self.pages if p.group is not None and p.group.open_count)
        if disputed:
            steps.append(
                ngettext(
                    "Settle the open disagreement on %(n)d function.",
                    "Settle the open disagreements on %(n)d functions.",
                    disputed,
                )
                % {"n": disputed}
            )
        undecided = self.decided_count - self.final_count
        if undecided:
            steps.append(
                ngettext(
                    "Record the final decision for the %(n)d function still open.",
                    "Record the final decisions for the %(n)d functions still open.",
                    undecided,
                )
                % {"n": undecided}
            )
        if self.pending_count:
            steps.append(
                ngettext(
                    "Answer the questionnaire for the %(n)d function not yet assessed.",
                    "Answer the questionnaire for the %(n)d functions not yet assessed.",
                    self.pending_count,
                )
                % {"n": self.pending_count}
            )
        if self.outsourced_count:
            steps.append(
                _(
                    "Request quotes from shortlisted providers and replace the sample prices "
                    "with them."
                )
            )
        if self.high_risk_count:
            steps.append(
                _("Confirm an owner and a mitigation for each high risk before transition.")
            )
        return steps[:NEXT_STEPS_SHOWN]

    # -- document control

    @cached_property
    def versions(self) -> list[VersionLabel]:
        current = self.walkthrough.version
        labels = []
        for use in self.overview.versions:
            values = {"date": day(use.first) or "—", "ref": use.version}
            if use.version == current:
                label = _("Criteria of %(date)s (ref. %(ref)s, current)") % values
            else:
                label = _("Criteria of %(date)s (ref. %(ref)s, since changed)") % values
            labels.append(VersionLabel(label, use.count))
        return labels

    @property
    def control(self) -> list[ControlLine]:
        doc = self.document
        lines = [
            ControlLine(_("Status"), doc.status),
            ControlLine(_("Version"), str(doc.version)),
            ControlLine(_("Prepared by"), doc.prepared_by or "—"),
            ControlLine(_("Prepared for"), doc.prepared_for or "—"),
            ControlLine(_("Generated"), when(doc.generated_at)),
        ]
        if doc.submitted_at:
            lines.append(ControlLine(_("Submitted"), when(doc.submitted_at)))
        if doc.approved_by or doc.approved_at:
            approved = " · ".join(x for x in (doc.approved_by, when(doc.approved_at)) if x)
            lines.append(ControlLine(_("Approved"), approved))
        if self.versions:
            lines.append(
                ControlLine(
                    _("Criteria"),
                    "; ".join(v.label for v in self.versions),
                )
            )
        if doc.fingerprint:
            lines.append(ControlLine(_("Content fingerprint"), doc.fingerprint, mono=True))
        return lines

    @property
    def control_rows(self) -> list[list[ControlLine]]:
        """The document control in two columns: pairs of lines (a long value gets a row)."""
        rows: list[list[ControlLine]] = []
        pending: list[ControlLine] = []
        for line in self.control:
            if line.mono or len(line.value) > 48:
                rows.append([line])
                continue
            pending.append(line)
            if len(pending) == 2:
                rows.append(pending)
                pending = []
        if pending:
            rows.append(pending)
        return rows

    @property
    def created(self) -> str:
        """The creation date for the PDF's metadata (ISO 8601)."""
        return timezone.localtime(self.document.generated_at).isoformat(timespec="seconds")

    # -- the rest of the report

    @cached_property
    def contract_shapes(self) -> list[ContractShape]:
        """Each decided model's usual contract shape, once, with the functions it covers."""
        models = {m.slug: m for m in self.walkthrough.snapshot.models}
        shapes = []
        for group in self.groups:
            model = models.get(group.slug)
            members = [p for p in self.pages if p.decided.slug == group.slug]
            shapes.append(
                ContractShape(
                    group.abbreviation,
                    group.name,
                    model.contract_shape if model is not None else "",
                    [Item.of(p.view) for p in members],
                )
            )
        return shapes

    @cached_property
    def criteria_snapshot(self) -> Any:
        """The criteria the latest result was computed with (today's when there is none)."""
        computed = [(p.view.computed_at, p.number, p.view) for p in self.pages]
        dated = [(at, number, view) for at, number, view in computed if at is not None]
        if dated:
            latest = max(dated, key=lambda entry: (entry[0], entry[1]))[2]
            if latest.snapshot is not None:
                return latest.snapshot
        return self.walkthrough.snapshot

    @property
    def criteria_reference(self) -> str:
        return str(self.criteria_snapshot.version)

    @cached_property
    def criteria(self) -> list[CriterionLine]:
        scored = [c for c in self.criteria_snapshot.criteria if c.kind == "scored"]
        total = sum((c.weight for c in scored), Decimal(0)) or Decimal(1)
        return [
            CriterionLine(c.name, _number(c.weight), f"{round(c.weight / total * 100)}\u00a0%")
            for c in scored
        ]

    @property
    def high_from(self) -> int:
        """The likelihood x impact from which a risk is high."""
        return int(risk_register.HIGH_FROM)

    @property
    def thresholds(self) -> dict[str, int]:
        return {"clear": round(CLEAR_MARGIN * 100), "borderline": round(BORDERLINE_MARGIN * 100)}

    @property
    def respondents(self) -> str:
        """Who answered: the respondents of the groups, else the assessment's author."""
        names: list[str] = []
        for page in self.pages:
            group = getattr(page.view, "group", None)
            for respondent in getattr(group, "respondents", None) or []:
                name = _person(respondent)
                if name and name not in names:
                    names.append(name)
        if not names and self.document.prepared_by:
            names.append(self.document.prepared_by)
        return ", ".join(names)

    @cached_property
    def assumptions(self) -> list[AssumptionLine]:
        """The catalogue's pricing assumptions behind the figures shown (each function's
        decided and recommended model), once each."""
        locations = {o.slug: o.name for o in self.walkthrough.delivery_options.values()}
        abbreviations = {m.slug: m.abbreviation for m in self.walkthrough.snapshot.models}
        seen: dict[tuple[Any, ...], AssumptionLine] = {}
        for page in self.pages:
            business = page.view.business_case
            if business is None:
                continue
            used = [
                e.pricing
                for e in (business.chosen, business.recommended)
                if e is not None and e.pricing is not None and e.source == "assumption"
            ]
            for entry in used:
                key = (entry.model, entry.location, entry.low, entry.expected, entry.high)
                if key in seen:
                    continue
                seen[key] = AssumptionLine(
                    model=abbreviations.get(entry.model, entry.model),
                    location=locations.get(entry.location, "") or _("any location"),
                    price=_price_text(entry),
                    transition=_charge_text(entry.transition_basis, entry.transition_value),
                    governance=_charge_text(entry.governance_basis, entry.governance_value),
                    is_sample=entry.is_sample,
                    note=entry.note,
                )
        return sorted(seen.values(), key=lambda a: (a.model, a.location))

    @property
    def own_prices(self) -> int:
        """Functions priced with the manager's own figure or a provider's quote."""
        return sum(
            1
            for p in self.pages
            if p.view.business_case is not None and p.view.business_case.overrides
        )

    @cached_property
    def sources(self) -> SourceCatalogue:
        return source_catalogue()

    def portfolio(self) -> Any:
        return self.overview.portfolio(link=True, width=640)

    @cached_property
    def grid(self) -> Any:
        return self.portfolio()

    @property
    def grid_as_chart(self) -> bool:
        """Draw the grid as a chart when it fits; a table (which can break) otherwise."""
        return self.grid.height <= CHART_MAX_HEIGHT

    @cached_property
    def grid_rows(self) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
        """The grid as rows of cells: band label, then per model the functions in it."""
        by_cell: dict[tuple[str, str], list[Item]] = {}
        for cell in self.grid.cells:
            by_cell[(cell.row, cell.column)] = [
                Item(m.number, m.name, m.href.lstrip("#")) for m in cell.markers
            ]
        return [
            (
                heading.label,
                [
                    (column.slug, by_cell.get((heading.slug, column.slug), []))
                    for column in self.grid.columns
                ],
            )
            for heading in self.grid.rows
        ]

    @property
    def title(self) -> str:
        return self.assessment.title


def _person(respondent: object) -> str:
    for attr in ("name", "display_name"):
        value = getattr(respondent, attr, None)
        if isinstance(value, str) and value:
            return value
    user = getattr(respondent, "user", respondent)
    full = getattr(user, "get_full_name", None)
    if callable(full) and full():
        return str(full())
    username = getattr(user, "get_username", None)
    return str(username()) if callable(username) else str(respondent)


def _today_cost(view: FunctionView) -> Decimal:
    business = view.business_case
    return business.baseline.annual if business is not None else Decimal(0)


def _chosen(view: FunctionView) -> ModelEstimate | None:
    business = view.business_case
    return business.chosen if business is not None else None


def _number(value: Decimal) -> str:
    return plain_number(value)


def _charge_text(basis: str, value: Decimal) -> str:
    if not value:
        return _("none")
    if basis == costing.Basis.SHARE:
        return _("%(share)s of today's cost") % {"share": percent(value)}
    return _number(value)
